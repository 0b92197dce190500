package dev.quiver.kafka;

/**
 * Thrown when no Kafka broker answers at a bootstrap address within a timeout, or when the
 * bootstrap address itself cannot be used (unparseable, unresolvable host).
 *
 * <p>The message is one line and names the bootstrap address, so a CLI can print it as is.
 *
 * <pre>{@code
 * try {
 *     KafkaTopics.checkReachable("localhost:9092", Duration.ofSeconds(5));
 * } catch (KafkaUnreachableException e) {
 *     // "cannot reach Kafka at localhost:9092 within 5 s"
 *     System.err.println(e.getMessage() + " (start one with: quiver broker)");
 * }
 * }</pre>
 */
public final class KafkaUnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KafkaUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
