package dev.quiver.knn;

import java.util.Arrays;

/**
 * The id map of {@link KdTreeIndex}: each live point's id gets a handle, a small int that stays put
 * while rebuilds move the point between slots, so a rebuild updates {@link #setSlot} instead of
 * rehashing ids. Handles are found by id in an open-addressing table (linear probing,
 * backward-shift deletion) whose entries {@code hash << 32 | (handle + 1)} let probes compare
 * hashes without touching the ids. Freed handles are reused, so memory follows the most ids ever
 * live at once.
 *
 * <p>Primitive arrays only: no object per id beyond the caller's strings. Not thread-safe.
 */
final class IdHandles {

    private static final int MIN_CAPACITY = 16;
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

    private String[] idOfHandle = new String[MIN_CAPACITY];
    private int[] hashOfHandle = new int[MIN_CAPACITY];
    private int[] slotOfHandle = new int[MIN_CAPACITY];
    private int handleCount;
    private int[] freeHandles = new int[MIN_CAPACITY];
    private int freeHandleCount;
    private long[] table = new long[2 * MIN_CAPACITY];

    /** Ids mapped now. */
    int size() {
        return handleCount - freeHandleCount;
    }

    /** The handle of this id, or -1. */
    int find(String id) {
        int hash = mix(id.hashCode());
        int mask = table.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            long e = table[i];
            if (e == 0) {
                return -1;
            }
            if ((int) (e >>> 32) == hash) {
                int handle = (int) e - 1;
                if (id.equals(idOfHandle[handle])) {
                    return handle;
                }
            }
        }
    }

    /** Maps a new id (not mapped now) to {@code slot}; returns its handle. */
    int add(String id, int slot) {
        int handle;
        if (freeHandleCount > 0) {
            handle = freeHandles[--freeHandleCount];
        } else {
            if (handleCount == idOfHandle.length) {
                int capacity = grown(handleCount);
                idOfHandle = Arrays.copyOf(idOfHandle, capacity);
                hashOfHandle = Arrays.copyOf(hashOfHandle, capacity);
                slotOfHandle = Arrays.copyOf(slotOfHandle, capacity);
                freeHandles = Arrays.copyOf(freeHandles, capacity);
            }
            handle = handleCount++;
        }
        int hash = mix(id.hashCode());
        idOfHandle[handle] = id;
        hashOfHandle[handle] = hash;
        slotOfHandle[handle] = slot;
        // Load at most one half.
        if (2 * size() > table.length) {
            rehash(table.length * 2);
        }
        link(((long) hash << 32) | (handle + 1));
        return handle;
    }

    /** Unmaps this id and frees its handle; returns the slot it had, or -1 if it was not mapped. */
    int remove(String id) {
        int handle = find(id);
        if (handle < 0) {
            return -1;
        }
        int slot = slotOfHandle[handle];
        release(handle);
        return slot;
    }

    /** Unmaps a mapped handle and frees it for reuse. */
    void release(int handle) {
        unlink(handle);
        idOfHandle[handle] = null;
        freeHandles[freeHandleCount++] = handle;
    }

    int slot(int handle) {
        return slotOfHandle[handle];
    }

    void setSlot(int handle, int slot) {
        slotOfHandle[handle] = slot;
    }

    /** The id of a mapped handle. */
    String id(int handle) {
        return idOfHandle[handle];
    }

    /**
     * Checks the table against the handles and the caller's slots: every entry's hash, id and
     * handle agree, each id is found by its hash and maps to a live slot (of the first {@code
     * slotCount}) whose handle is its own.
     *
     * @throws IllegalStateException at the first broken invariant
     */
    void checkInvariants(boolean[] live, int[] handleOfSlot, int slotCount) {
        int mapped = 0;
        for (long e : table) {
            if (e == 0) {
                continue;
            }
            mapped++;
            int handle = (int) e - 1;
            check((int) (e >>> 32) == hashOfHandle[handle], "handle " + handle + " hash");
            String id = idOfHandle[handle];
            int slot = slotOfHandle[handle];
            check(id != null, "handle " + handle + " is free but mapped");
            check(find(id) == handle, "id " + id + " is not found by its hash");
            check(
                    slot >= 0 && slot < slotCount && live[slot],
                    "id " + id + " maps to dead slot " + slot);
            check(handleOfSlot[slot] == handle, "slot " + slot + " holds another handle");
        }
        check(mapped == size(), "id map holds " + mapped + " of " + size() + " handles");
    }

    /** Spreads the bits of a string hash, so the table's low bits see all of them. */
    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** Takes a mapped handle out of the table, shifting later entries of its probe run back. */
    private void unlink(int handle) {
        int mask = table.length - 1;
        int i = hashOfHandle[handle] & mask;
        while ((int) table[i] != handle + 1) {
            i = (i + 1) & mask;
        }
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            long e = table[j];
            if (e == 0) {
                break;
            }
            int home = (int) (e >>> 32) & mask;
            // Move e back to the hole at i unless its home lies cyclically in (i, j].
            boolean homeBetween = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!homeBetween) {
                table[i] = e;
                i = j;
            }
        }
        table[i] = 0;
    }

    private void link(long entry) {
        int mask = table.length - 1;
        int i = (int) (entry >>> 32) & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = entry;
    }

    private void rehash(int capacity) {
        long[] old = table;
        table = new long[capacity];
        for (long e : old) {
            if (e != 0) {
                link(e);
            }
        }
    }

    private static int grown(int capacity) {
        return (int) Math.min(MAX_CAPACITY, Math.max(MIN_CAPACITY, capacity + (capacity >> 1)));
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
