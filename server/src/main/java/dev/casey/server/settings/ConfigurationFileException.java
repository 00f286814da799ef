package dev.casey.server.settings;

/**
 * The configuration file stops the start: it is missing, no JSON object, or has a value Casey refuses. Its own type so
 * that {@link ConfigurationFileFailureAnalyzer} can say so last and plainly, above the stack trace.
 */
public class ConfigurationFileException extends IllegalStateException {

    private final String action;

    ConfigurationFileException(String message, String action, Throwable cause) {
        super(message, cause);
        this.action = action;
    }

    /** What the operator can do about it. */
    public String action() {
        return action;
    }
}
