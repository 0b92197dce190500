package dev.quiver.ensemble;

/**
 * A model file that Quiver refuses to load: malformed, truncated, beyond a {@link LoadLimits}
 * bound, or using a feature the scorer does not implement (a dart or linear booster, categorical
 * splits, an unknown objective). The message is one line that names the problem, so the job can put
 * it in a dead letter as it is.
 *
 * <pre>{@code
 * try {
 *     EnsembleModel model = EnsembleModels.fromXgboost(bytes);
 * } catch (ModelFormatException e) {
 *     deadLetter.setReason(e.getMessage()); // e.g. "categorical split on feature 3 (color) ..."
 * }
 * }</pre>
 *
 * <p>It is an {@link IllegalArgumentException}: the bytes are a bad argument. It carries no stack
 * trace, since a refused model is an expected outcome of reading untrusted input.
 */
public final class ModelFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** A refusal with a one-line reason. */
    public ModelFormatException(String reason) {
        super(oneLine(reason));
    }

    /** A refusal with a one-line reason, caused by {@code cause}. */
    public ModelFormatException(String reason, Throwable cause) {
        super(oneLine(reason), cause);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    private static String oneLine(String reason) {
        return reason.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }
}
