package dev.casey.mailgateway.outbound;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Everything needed to compose one outgoing mail. The recipient's is the only address it is sent to; texts, names and
 * the subject are shown as given (one line where they go into a header), so the caller hides what must not be shown.
 *
 * @param kind          what the mail is about
 * @param messageId     our Message-ID, without angle brackets, e.g. {@code casey.8fk2n4…@support.example.com}
 * @param inReplyTo     the Message-ID this mail answers (without brackets), or null
 * @param references    the thread's Message-IDs, oldest first (without brackets); null means none. When empty
 *                      and {@code inReplyTo} is set, {@code References} repeats {@code inReplyTo}
 * @param date          the {@code Date} of the mail (whole seconds are shown, in UTC)
 * @param recipient     who gets the mail
 * @param authorName    the person whose message this is (MESSAGE, CASE_RECEIVED, NEW_CASE); null for system mails
 * @param caseReference the case reference, e.g. {@code K7QM-4XPD}
 * @param caseSubject   the subject of the case (without our tag; "Re:" and the like are stripped anyway)
 * @param body          the message text (MESSAGE, CASE_RECEIVED, NEW_CASE; optional for REMINDER)
 * @param history       earlier messages of the case, newest first, quoted below the message; the caller bounds it
 * @param confirmUrl    the confirmation link (CONFIRMATION_REQUEST), http or https, or null
 * @param confirmCode   the confirmation code (required for CONFIRMATION_REQUEST)
 * @param reason        why the case was closed (CASE_CLOSED), e.g. "no activity for 30 days", or null
 * @param replyTo       a plus-address of the support address to put in {@code Reply-To}, or null
 * @param attachments   what was attached to the message ({@code body}), listed below it and, where they say so,
 *                      carried along; null means none
 * @param caseOpenedByMail whether a mail opened the case, which the acknowledgement (CASE_RECEIVED) then answers;
 *                      false in the other kinds, whose {@code Auto-Submitted} it does not change
 */
public record OutgoingMail(
        MailKind kind,
        String messageId,
        String inReplyTo,
        List<String> references,
        Instant date,
        Recipient recipient,
        String authorName,
        String caseReference,
        String caseSubject,
        String body,
        List<EarlierMessage> history,
        String confirmUrl,
        String confirmCode,
        String reason,
        String replyTo,
        List<Attachment> attachments,
        boolean caseOpenedByMail) {

    private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*");
    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"]+", Pattern.CASE_INSENSITIVE);

    /** Validates ids, reference and URL and the fields each kind needs; IllegalArgumentException (or NPE) otherwise. */
    public OutgoingMail {
        Objects.requireNonNull(kind, "kind");
        MessageIds.requireValid(messageId, "messageId");
        if (inReplyTo != null) {
            MessageIds.requireValid(inReplyTo, "inReplyTo");
        }
        LinkedHashSet<String> refs = new LinkedHashSet<>();
        for (String reference : references == null ? List.<String>of() : references) {
            refs.add(MessageIds.requireValid(reference, "references"));
        }
        references = List.copyOf(refs);
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(recipient, "recipient");
        if (caseReference == null || caseReference.length() > 40 || !REFERENCE.matcher(caseReference).matches()) {
            throw new IllegalArgumentException("caseReference must be letters and digits in dash-separated groups: '"
                    + MailText.printable(caseReference) + "'");
        }
        history = history == null ? List.of() : List.copyOf(history);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        if (confirmUrl != null && !URL.matcher(confirmUrl).matches()) {
            throw new IllegalArgumentException("confirmUrl must be an http or https URL: '" + MailText.printable(confirmUrl) + "'");
        }
        if (kind == MailKind.CONFIRMATION_REQUEST && (confirmCode == null || confirmCode.isBlank())) {
            throw new IllegalArgumentException("a CONFIRMATION_REQUEST needs a confirmCode");
        }
        if ((kind == MailKind.MESSAGE || kind == MailKind.CASE_RECEIVED || kind == MailKind.NEW_CASE) && body == null) {
            throw new IllegalArgumentException("a " + kind + " needs a body");
        }
    }

    /** A builder for the given kind; {@code references} and {@code history} start empty. */
    public static Builder builder(MailKind kind) {
        return new Builder().kind(kind);
    }

    /**
     * The mail with every address cut out of its subject and names, as mails were composed before 2026-12-02: the
     * drafts queued then had no team addresses masked there (the composer cut all addresses instead).
     */
    public OutgoingMail withAddressesCut() {
        return toBuilder().caseSubject(MailText.withoutAddresses(caseSubject))
                .authorName(MailText.withoutAddresses(authorName))
                .history(history.stream().map(m -> new EarlierMessage(MailText.withoutAddresses(m.authorName()),
                        m.postedAt(), m.body())).toList())
                .build();
    }

    /** The mail listing its attachments without carrying any. */
    public OutgoingMail withAttachmentsListed() {
        return toBuilder().attachments(attachments.stream().map(a -> new Attachment(a.filename(), a.contentType(),
                a.size(), a.omitted(), null)).toList()).build();
    }

    /** A builder holding this mail's values. */
    public Builder toBuilder() {
        return new Builder().kind(kind).messageId(messageId).inReplyTo(inReplyTo).references(references).date(date)
                .recipient(recipient).authorName(authorName).caseReference(caseReference).caseSubject(caseSubject)
                .body(body).history(history).confirmUrl(confirmUrl).confirmCode(confirmCode).reason(reason)
                .replyTo(replyTo).attachments(attachments).caseOpenedByMail(caseOpenedByMail);
    }

    /**
     * The recipient: their display name (nullable), their address, the only personal address in the mail, and
     * whether they are in the team (templates word some mails for the team otherwise than for customers).
     */
    public record Recipient(String name, String address, boolean team) {

        /** Checks that the address is a plain addr-spec. */
        public Recipient {
            address = MailText.requireAddress(address, "recipient address");
        }

        /** A recipient outside the team. */
        public Recipient(String name, String address) {
            this(name, address, false);
        }
    }

    /** An earlier message of the case, quoted below the current one: its author's name, when it was posted, its text. */
    public record EarlierMessage(String authorName, Instant postedAt, String body) {

        /** Requires {@code postedAt}; a null body counts as empty. */
        public EarlierMessage {
            Objects.requireNonNull(postedAt, "postedAt");
            body = body == null ? "" : body;
        }
    }

    /**
     * An attachment of the message: its name, media type (nullable) and size; {@code omitted} when it was not kept
     * (over the size limit); {@code content} the id of its stored content when the mail carries it, null when the mail
     * only lists it (drafts queued before 2026-12-02 list every attachment).
     */
    public record Attachment(String filename, String contentType, long size, boolean omitted, UUID content) {

        /** An attachment the mail lists without carrying it. */
        public Attachment(String filename, long size, boolean omitted) {
            this(filename, null, size, omitted, null);
        }

        /** Whether the mail carries the content (else it only names the attachment). */
        public boolean carried() {
            return content != null;
        }
    }

    /** Builds an {@link OutgoingMail}; validation happens in {@link #build()}. */
    public static final class Builder {
        private MailKind kind;
        private String messageId;
        private String inReplyTo;
        private List<String> references = new ArrayList<>();
        private Instant date;
        private Recipient recipient;
        private String authorName;
        private String caseReference;
        private String caseSubject;
        private String body;
        private List<EarlierMessage> history = new ArrayList<>();
        private String confirmUrl;
        private String confirmCode;
        private String reason;
        private String replyTo;
        private List<Attachment> attachments = new ArrayList<>();
        private boolean caseOpenedByMail;

        private Builder() {
        }

        public Builder kind(MailKind kind) { this.kind = kind; return this; }
        public Builder messageId(String messageId) { this.messageId = messageId; return this; }
        public Builder inReplyTo(String inReplyTo) { this.inReplyTo = inReplyTo; return this; }
        public Builder references(List<String> references) { this.references = new ArrayList<>(references); return this; }
        public Builder date(Instant date) { this.date = date; return this; }
        public Builder recipient(Recipient recipient) { this.recipient = recipient; return this; }
        public Builder recipient(String name, String address) { return recipient(new Recipient(name, address)); }
        public Builder teamRecipient(String name, String address) { return recipient(new Recipient(name, address, true)); }
        public Builder authorName(String authorName) { this.authorName = authorName; return this; }
        public Builder caseReference(String caseReference) { this.caseReference = caseReference; return this; }
        public Builder caseSubject(String caseSubject) { this.caseSubject = caseSubject; return this; }
        public Builder body(String body) { this.body = body; return this; }
        public Builder history(List<EarlierMessage> history) { this.history = new ArrayList<>(history); return this; }
        public Builder confirmUrl(String confirmUrl) { this.confirmUrl = confirmUrl; return this; }
        public Builder confirmCode(String confirmCode) { this.confirmCode = confirmCode; return this; }
        public Builder reason(String reason) { this.reason = reason; return this; }
        public Builder replyTo(String replyTo) { this.replyTo = replyTo; return this; }
        public Builder attachments(List<Attachment> attachments) { this.attachments = new ArrayList<>(attachments); return this; }
        public Builder caseOpenedByMail(boolean caseOpenedByMail) { this.caseOpenedByMail = caseOpenedByMail; return this; }

        /** The mail; IllegalArgumentException (or NPE) when something is missing or invalid. */
        public OutgoingMail build() {
            return new OutgoingMail(kind, messageId, inReplyTo, references, date, recipient, authorName,
                    caseReference, caseSubject, body, history,
                    confirmUrl, confirmCode, reason, replyTo, attachments, caseOpenedByMail);
        }
    }
}
