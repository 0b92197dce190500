package dev.quiver.knn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

class IdHandlesTest {

    /** A long random sequence of adds and removes over few ids, so probe runs wrap and shift. */
    @Test
    void agreesWithAHashMapThroughChurn() {
        IdHandles handles = new IdHandles();
        Map<String, Integer> expected = new HashMap<>();
        int[] handleOfSlot = new int[200_000];
        boolean[] live = new boolean[200_000];
        SplittableRandom random = new SplittableRandom(7);
        int nextSlot = 0;
        int mostHandles = 0;
        for (int step = 0; step < 200_000; step++) {
            String id = "p" + random.nextInt(3_000);
            Integer slot = expected.get(id);
            if (slot == null) {
                int handle = handles.add(id, nextSlot);
                handleOfSlot[nextSlot] = handle;
                live[nextSlot] = true;
                expected.put(id, nextSlot++);
                mostHandles = Math.max(mostHandles, handle + 1);
            } else {
                assertThat(handles.remove(id)).isEqualTo(slot);
                live[slot] = false;
                expected.remove(id);
            }
            assertThat(handles.size()).isEqualTo(expected.size());
            if (step % 10_000 == 0) {
                handles.checkInvariants(live, handleOfSlot, nextSlot);
            }
        }
        handles.checkInvariants(live, handleOfSlot, nextSlot);
        expected.forEach(
                (id, slot) -> {
                    int handle = handles.find(id);
                    assertThat(handles.slot(handle)).isEqualTo(slot);
                    assertThat(handles.id(handle)).isEqualTo(id);
                });
        assertThat(handles.find("p-none")).isEqualTo(-1);
        assertThat(handles.remove("p-none")).isEqualTo(-1);
        // Freed handles are reused: never more than the ids ever live at once.
        assertThat(mostHandles).isLessThanOrEqualTo(3_000);
    }

    @Test
    void setSlotMovesAnIdWithoutRehashing() {
        IdHandles handles = new IdHandles();
        int handle = handles.add("a", 3);
        handles.setSlot(handle, 9);
        assertThat(handles.find("a")).isEqualTo(handle);
        assertThat(handles.remove("a")).isEqualTo(9);
        assertThat(handles.size()).isZero();
    }
}
