package dev.quiver.bench.e2e;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} and {@code --flag} arguments of the end-to-end peers, checked against
 * the names each tool knows, so that a misspelt option stops the benchmark instead of being
 * ignored. An option given more than once keeps its last value ({@link #get}), and all of them in
 * order ({@link #all}).
 *
 * <pre>{@code
 * PeerArguments arguments =
 *         PeerArguments.parse(new String[] {"--topic", "t", "--until-latest"},
 *                 Set.of("--topic"), Set.of("--until-latest"));
 * String topic = arguments.required("--topic");
 * boolean bounded = arguments.flag("--until-latest");
 * List<String> none = arguments.all("--kafka-property");   // empty: not given
 * }</pre>
 */
public final class PeerArguments {

    private final Map<String, String> values;
    private final Map<String, List<String>> repeated;

    private PeerArguments(Map<String, String> values, Map<String, List<String>> repeated) {
        this.values = values;
        this.repeated = repeated;
    }

    /**
     * @param args the command line
     * @param options the names that take a value
     * @param flags the names that take none
     * @throws IllegalArgumentException naming the first unknown option or missing value
     */
    public static PeerArguments parse(String[] args, Set<String> options, Set<String> flags) {
        Map<String, String> values = new HashMap<>();
        Map<String, List<String>> repeated = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (flags.contains(name)) {
                values.put(name, "true");
            } else if (options.contains(name)) {
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                values.put(name, args[++i]);
                repeated.computeIfAbsent(name, n -> new ArrayList<>()).add(args[i]);
            } else {
                throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return new PeerArguments(values, repeated);
    }

    /** The value of {@code name}. @throws IllegalArgumentException when it was not given */
    public String required(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    /** The value of {@code name}, or {@code fallback} when it was not given. */
    public String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** The value of {@code name} as a long, or {@code fallback}. */
    public long getLong(String name, long fallback) {
        return Long.parseLong(get(name, Long.toString(fallback)));
    }

    /** Every value of {@code name}, in the order given; empty when it was not given. */
    public List<String> all(String name) {
        return List.copyOf(repeated.getOrDefault(name, List.of()));
    }

    /** Whether the flag {@code name} was given. */
    public boolean flag(String name) {
        return values.containsKey(name);
    }
}
