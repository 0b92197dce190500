package dev.quiver.jobs;

import java.util.function.Consumer;

/**
 * Options a user may leave out are boxed fields that stay null unless given. Only the given ones are
 * handed to a kernel's options builder, so the builder can refuse an option that the chosen model
 * does not read, and its own defaults apply to the rest.
 *
 * <pre>{@code
 * GivenOptions.set(priorAlpha, builder::setPriorAlpha); // nothing when --prior-alpha is absent
 * }</pre>
 */
final class GivenOptions {

    private GivenOptions() {}

    /** Hands {@code value} to {@code setter} unless it is null, i.e. the option was not given. */
    static <T> void set(T value, Consumer<? super T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }
}
