package dev.casey.api.common;

/**
 * A business refusal: the command was understood and declined. Carries the error code and, where one
 * input is to blame, the name of that field.
 */
public class CaseyRefusal extends RuntimeException {

    private final ErrorCode code;
    private final String field;

    public CaseyRefusal(ErrorCode code, String message) {
        this(code, message, null);
    }

    public CaseyRefusal(ErrorCode code, String message, String field) {
        super(message, null, false, false);
        this.code = code;
        this.field = field;
    }

    public ErrorCode code() {
        return code;
    }

    /** The request field the refusal is about, or null. */
    public String field() {
        return field;
    }
}
