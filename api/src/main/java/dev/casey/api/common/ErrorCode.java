package dev.casey.api.common;

/**
 * Every business refusal the write side can answer with. The HTTP layer maps each to a status;
 * callers on other channels (mail) map them to their own reactions.
 */
public enum ErrorCode {
    CASE_NOT_FOUND(Kind.NOT_FOUND),
    PERSON_NOT_FOUND(Kind.NOT_FOUND),
    EMAIL_ALREADY_REGISTERED(Kind.CONFLICT),
    CASE_CLOSED(Kind.CONFLICT),
    CASE_PENDING(Kind.CONFLICT),
    CASE_EXPIRED(Kind.CONFLICT),
    CASE_ALREADY_CLOSED(Kind.CONFLICT),
    CASE_NOT_CLOSED(Kind.CONFLICT),
    CASE_NEVER_CONFIRMED(Kind.CONFLICT),
    VERSION_MISMATCH(Kind.PRECONDITION_FAILED),
    NOT_A_PARTICIPANT(Kind.FORBIDDEN),
    ALREADY_CONFIRMED(Kind.CONFLICT),
    CONFIRMATION_CODE_INVALID(Kind.NOT_FOUND),
    CONFIRMATION_EXPIRED(Kind.GONE),
    NOT_A_TEAM_MEMBER(Kind.CONFLICT),
    RESERVED_META_KEY(Kind.INVALID),
    SUPPORT_ADDRESS(Kind.INVALID),
    INVALID_VALUE(Kind.INVALID),
    UNKNOWN_SETTING(Kind.INVALID),
    NO_CONFIG_FILE(Kind.CONFLICT),
    MAIL_NOT_FOUND(Kind.NOT_FOUND),
    MAIL_NOT_RETRIABLE(Kind.CONFLICT),
    ATTACHMENT_NOT_FOUND(Kind.NOT_FOUND),
    UNPROCESSABLE_MAIL(Kind.UNPROCESSABLE),
    IDEMPOTENCY_KEY_REUSED(Kind.UNPROCESSABLE),
    REBUILD_RUNNING(Kind.CONFLICT);

    /** How a refusal is to be understood by a caller. */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT, FORBIDDEN, GONE, UNPROCESSABLE, PRECONDITION_FAILED }

    private final Kind kind;

    ErrorCode(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
