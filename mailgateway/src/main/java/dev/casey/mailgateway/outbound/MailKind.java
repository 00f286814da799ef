package dev.casey.mailgateway.outbound;

import java.util.Locale;

/**
 * What an outgoing mail is about; decides its template, its From and its {@code Auto-Submitted} (RFC 3834):
 * {@code auto-replied} for the automatic answers to a mail someone sent us, {@code auto-generated} for the other
 * mails nobody wrote, none for messages a person wrote.
 */
public enum MailKind {

    /** To the creator of a pending case: confirm it with a link or a code. */
    CONFIRMATION_REQUEST(false, AutoSubmitted.GENERATED),
    /**
     * To the creator: the acknowledgement of their case with a copy of their first message and the reference. Nobody
     * wrote it, so it comes from the support name; it answers the mail that opened the case, and of a case opened
     * over HTTP there was no mail to answer.
     */
    CASE_RECEIVED(false, AutoSubmitted.REPLIED, AutoSubmitted.GENERATED),
    /** To a team member: a new case with the customer's first message (from the creator, but auto-generated). */
    NEW_CASE(true, AutoSubmitted.GENERATED),
    /** A new message in a case, relayed from its author. */
    MESSAGE(true, AutoSubmitted.NO),
    /** To team members: nobody answered the case yet. */
    REMINDER(false, AutoSubmitted.GENERATED),
    /** To participants: the case was closed, with a reason. */
    CASE_CLOSED(false, AutoSubmitted.GENERATED),
    /** A one-off reply to mail for a closed case that cannot be reopened by mail. */
    CLOSED_CASE_REFUSAL(false, AutoSubmitted.REPLIED);

    /** The values of RFC 3834's {@code Auto-Submitted} we send; {@code NO} means the header is left out. */
    private enum AutoSubmitted {
        NO(null), GENERATED("auto-generated"), REPLIED("auto-replied");

        private final String value;

        AutoSubmitted(String value) {
            this.value = value;
        }
    }

    private final boolean fromAuthor;
    private final AutoSubmitted ofCaseOpenedByMail;
    private final AutoSubmitted ofCaseOpenedOtherwise;

    MailKind(boolean fromAuthor, AutoSubmitted autoSubmitted) {
        this(fromAuthor, autoSubmitted, autoSubmitted);
    }

    MailKind(boolean fromAuthor, AutoSubmitted ofCaseOpenedByMail, AutoSubmitted ofCaseOpenedOtherwise) {
        this.fromAuthor = fromAuthor;
        this.ofCaseOpenedByMail = ofCaseOpenedByMail;
        this.ofCaseOpenedOtherwise = ofCaseOpenedOtherwise;
    }

    /**
     * Whether the mail is shown as sent by its author ({@code "<author> via <support name>"}) when an
     * author name is given; the other kinds are always from the support name alone.
     */
    public boolean fromAuthor() {
        return fromAuthor;
    }

    /**
     * The value of its {@code Auto-Submitted} header, {@code auto-generated} or {@code auto-replied}; null: none. Only
     * an answer to the mail that opened the case depends on whether one did.
     */
    public String autoSubmittedValue(boolean caseOpenedByMail) {
        return (caseOpenedByMail ? ofCaseOpenedByMail : ofCaseOpenedOtherwise).value;
    }

    /** The base name of its templates, e.g. {@code closed-case-refusal} for {@code closed-case-refusal.txt.mustache}. */
    public String templateName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
