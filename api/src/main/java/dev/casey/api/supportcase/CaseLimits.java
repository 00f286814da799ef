package dev.casey.api.supportcase;

/** How much text a case keeps: the command side refuses more, the mail gateway cuts mail down to it. */
public final class CaseLimits {

    /** Characters of a case's subject. */
    public static final int MAX_SUBJECT_LENGTH = 500;
    /** Characters of a person's or participant's name. */
    public static final int MAX_NAME_LENGTH = 200;
    /** Characters of one message. */
    public static final int MAX_MESSAGE_LENGTH = 1_000_000;

    private CaseLimits() {
    }
}
