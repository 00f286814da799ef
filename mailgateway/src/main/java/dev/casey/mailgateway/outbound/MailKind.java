package dev.casey.mailgateway.outbound;

import java.util.Locale;

/** What an outgoing mail is about; decides its template, its From and whether it is auto-generated. */
public enum MailKind {

    /** To the creator of a pending case: confirm it with a link or a code. */
    CONFIRMATION_REQUEST(false, true),
    /** To the creator: a copy of their first message and the case reference (relayed, from the creator). */
    CASE_RECEIVED(true, false),
    /** To a team member: a new case with the customer's first message (from the creator, but auto-generated). */
    NEW_CASE(true, true),
    /** A new message in a case, relayed from its author. */
    MESSAGE(true, false),
    /** To team members: nobody answered the case yet. */
    REMINDER(false, true),
    /** To participants: the case was closed, with a reason. */
    CASE_CLOSED(false, true),
    /** A one-off reply to mail for a closed case that cannot be reopened by mail. */
    CLOSED_CASE_REFUSAL(false, true);

    private final boolean fromAuthor;
    private final boolean autoSubmitted;

    MailKind(boolean fromAuthor, boolean autoSubmitted) {
        this.fromAuthor = fromAuthor;
        this.autoSubmitted = autoSubmitted;
    }

    /**
     * Whether the mail is shown as sent by its author ({@code "<author> via <support name>"}) when an
     * author name is given; the other kinds are always from the support name alone.
     */
    public boolean fromAuthor() {
        return fromAuthor;
    }

    /** Whether the mail carries {@code Auto-Submitted: auto-generated} (RFC 3834). */
    public boolean autoSubmitted() {
        return autoSubmitted;
    }

    /** The base name of its templates, e.g. {@code closed-case-refusal} for {@code closed-case-refusal.txt.mustache}. */
    public String templateName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
