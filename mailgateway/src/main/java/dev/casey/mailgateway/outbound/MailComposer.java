package dev.casey.mailgateway.outbound;

import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Composes an {@link OutgoingMail} into the exact RFC 5322 bytes to send: a pure, deterministic function
 * (same mail, same identity and templates: byte-identical result), safe to use from several threads.
 *
 * <p>Every mail is {@code multipart/alternative} (text/plain and text/html, UTF-8), inside a {@code multipart/mixed}
 * with the attachments it carries (their content is put in as it is sent, see {@link CarriedAttachments}), and starts
 * with the reply marker; {@code From} is always the support address, shown as {@code "<author> via <support name>"}
 * for relayed messages ({@link MailKind#fromAuthor()}) and as {@code "<support name>"} otherwise; the
 * only other address is the recipient's, in {@code To}, plus an optional plus-address of the support
 * address in {@code Reply-To}. Display names and the subject are made single-line (no header injection) and
 * are otherwise shown as written: a display name is always a quoted-string or encoded words, so an address in it is
 * text, never an address of the header. Hiding team members' addresses from customers is the caller's part.
 */
public final class MailComposer {

    /** The words the inbound parser looks for: everything from the line containing them downwards is cut. */
    public static final String REPLY_MARKER_TEXT = "Reply above this line";
    /** Subject used when the case subject is empty. */
    public static final String NO_SUBJECT = "(no subject)";

    private static final String CHARSET = "UTF-8";
    private static final Session SESSION = Session.getInstance(new Properties());
    private static final DateTimeFormatter RFC_5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter QUOTE_DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final Pattern PLACEHOLDER = Pattern.compile("%(prefix|reference|subject)%");
    /**
     * One reply or forward prefix. Prefixes are taken off one at a time: a pattern repeating a group per prefix
     * recurses once per repetition in java.util.regex, and a subject of a thousand "Re: " overflowed the stack.
     */
    private static final Pattern REPLY_PREFIX = Pattern.compile(
            "(?:re|aw|antw|sv|vs|fw|fwd|wg)\\s*+(?:\\[\\d++\\]|\\(\\d++\\))?\\s*+:\\s*+", Pattern.CASE_INSENSITIVE);
    private static final Set<String> ADDRESS_HEADERS = Set.of("from", "to", "reply-to");
    private static final Pattern FROM_LINE = Pattern.compile("^From ", Pattern.MULTILINE);
    /** Above the list of a message's attachments: those the mail does not carry are named so recipients know of them. */
    private static final String ATTACHMENTS_HEADING = "Attached to this message:";

    private final MailIdentity identity;
    private final MailTemplates templates;

    /**
     * A composer for the given identity; {@code templateDir} (nullable) may hold files named like the
     * built-in templates ({@code message.txt.mustache}, …) that replace them. Templates are read and
     * checked here, once: IllegalStateException when one cannot be compiled or rendered.
     */
    public MailComposer(MailIdentity identity, Path templateDir) {
        this(identity, new MailTemplates(templateDir));
    }

    private MailComposer(MailIdentity identity, MailTemplates templates) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.templates = templates;
    }

    /**
     * Reads and checks the templates of {@code templateDir} (nullable, as for the constructor) once, and gives
     * composers for any identity that share them; IllegalStateException when one cannot be compiled or rendered.
     */
    public static Function<MailIdentity, MailComposer> withTemplates(Path templateDir) {
        MailTemplates templates = new MailTemplates(templateDir);
        return identity -> new MailComposer(identity, templates);
    }

    /** A composer with the built-in templates. */
    public MailComposer(MailIdentity identity) {
        this(identity, (Path) null);
    }

    /** The identity this composer writes as. */
    public MailIdentity identity() {
        return identity;
    }

    /** The marker line at the top of every mail: {@code ##- Reply above this line to add to case <reference> -##}. */
    public static String replyMarker(String caseReference) {
        return "##- " + REPLY_MARKER_TEXT + " to add to case " + caseReference + " -##";
    }

    /**
     * Composes the mail.
     *
     * @throws IllegalArgumentException when {@code replyTo} is not the support address or one of its plus-addresses
     */
    public ComposedMail compose(OutgoingMail mail) {
        Objects.requireNonNull(mail, "mail");
        String replyTo = null;
        if (mail.replyTo() != null) {
            replyTo = MailText.requireAddress(mail.replyTo(), "replyTo");
            if (!identity.isSupportAddress(replyTo)) {
                throw new IllegalArgumentException("replyTo must be the support address or one of its plus-addresses ("
                        + identity.supportAddress() + "), not '" + replyTo + "'");
            }
        }
        String authorName = MailText.name(mail.authorName());
        String recipientName = MailText.name(mail.recipient().name());
        String caseSubject = caseSubject(mail.caseSubject(), mail.caseReference());
        String subject = subject(mail.caseReference(), caseSubject);
        String senderName = MailText.senderName(mail.authorName());
        String fromName = mail.kind().fromAuthor() && senderName != null
                ? senderName + " via " + identity.supportName()
                : identity.supportName();

        Map<String, Object> context = context(mail, authorName, recipientName, caseSubject);
        String text = text(mail, context);
        String html = html(mail, context);
        try {
            MimeMessage message = new FixedIdMimeMessage(mail.messageId());
            message.setHeader("Date", RFC_5322_DATE.format(mail.date()));
            message.setHeader("From", addressHeader("From", fromName, identity.supportAddress()));
            if (replyTo != null) {
                message.setHeader("Reply-To", addressHeader("Reply-To", null, replyTo));
            }
            message.setHeader("To", addressHeader("To", recipientName, mail.recipient().address()));
            if (mail.inReplyTo() != null) {
                message.setHeader("In-Reply-To", "<" + mail.inReplyTo() + ">");
            }
            List<String> references = mail.references().isEmpty() && mail.inReplyTo() != null
                    ? List.of(mail.inReplyTo()) : mail.references();
            if (!references.isEmpty()) {
                message.setHeader("References", MimeUtility.fold("References: ".length(),
                        String.join(" ", references.stream().map(id -> "<" + id + ">").toList())));
            }
            message.setHeader("Subject", unstructured("Subject", subject));
            String autoSubmitted = mail.kind().autoSubmittedValue(mail.caseOpenedByMail());
            if (autoSubmitted != null) {
                message.setHeader("Auto-Submitted", autoSubmitted);
            }
            message.setHeader("X-Auto-Response-Suppress", "All");

            MimeBodyPart textPart = textPart(text, "plain");
            MimeBodyPart htmlPart = textPart(html, "html");
            MimeMultipart alternative = new FixedBoundaryMultipart("alternative", boundary(mail.messageId(), text, html));
            alternative.addBodyPart(textPart);
            alternative.addBodyPart(htmlPart);
            List<OutgoingMail.Attachment> carried = mail.attachments().stream()
                    .filter(OutgoingMail.Attachment::carried).toList();
            if (carried.isEmpty()) {
                message.setContent(alternative);
            } else {
                MimeMultipart mixed = new FixedBoundaryMultipart("mixed",
                        boundary(mail.messageId() + "/mixed", text, html));
                MimeBodyPart texts = new MimeBodyPart();
                texts.setContent(alternative);
                mixed.addBodyPart(texts);
                for (OutgoingMail.Attachment attachment : carried) {
                    mixed.addBodyPart(CarriedAttachments.placeholder(attachment));
                }
                message.setContent(mixed);
            }
            message.saveChanges();

            ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            message.writeTo(out);
            byte[] raw = fromLinesEncoded(out.toByteArray());
            return new ComposedMail(raw, subject, mail.messageId(), decodedHeaders(raw), text, html);
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("cannot compose mail " + mail.messageId(), e);
        }
    }

    // --- subject ---------------------------------------------------------------------------------------------

    /** The case subject as shown: one line, no leading "Re:"/"Fwd:"/… nor our own tag, never empty. */
    private static String caseSubject(String caseSubject, String reference) {
        String s = MailText.oneLine(caseSubject == null ? "" : caseSubject, Integer.MAX_VALUE);
        Pattern ownTag = Pattern.compile("^\\[[^\\[\\]]*\\b" + Pattern.quote(reference) + "\\b[^\\[\\]]*\\]\\s*",
                Pattern.CASE_INSENSITIVE);
        String before;
        do {
            before = s;
            s = withoutReplyPrefixes(s);
            s = ownTag.matcher(s).replaceFirst("");
        } while (!s.equals(before));
        s = MailText.oneLine(s, MailText.MAX_SUBJECT);
        return s.isEmpty() ? NO_SUBJECT : s;
    }

    /** The subject without leading reply and forward prefixes ({@code Re:}, {@code AW:}, {@code Fwd:} …). */
    public static String withoutReplyPrefixes(String subject) {
        String s = subject.strip();
        return s.substring(afterReplyPrefixes(s, 0));
    }

    /** Where the reply and forward prefixes at {@code start} of the text end; {@code start} when there are none. */
    public static int afterReplyPrefixes(String text, int start) {
        Matcher prefix = REPLY_PREFIX.matcher(text);
        int end = start;
        while (end < text.length() && prefix.region(end, text.length()).lookingAt()) {
            end = prefix.end();
        }
        return end;
    }

    private String subject(String reference, String caseSubject) {
        Matcher m = PLACEHOLDER.matcher(identity.subjectFormat());
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "prefix" -> identity.subjectPrefix();
                case "reference" -> reference;
                default -> caseSubject;
            };
            m.appendReplacement(b, Matcher.quoteReplacement(value));
        }
        m.appendTail(b);
        return MailText.oneLine(b.toString(), Integer.MAX_VALUE);
    }

    // --- bodies ----------------------------------------------------------------------------------------------

    /**
     * What the templates get: names, whether the recipient is in the team, reference, subject, texts, confirmation and
     * reason; never an address.
     */
    private Map<String, Object> context(OutgoingMail mail, String authorName, String recipientName, String subject) {
        List<Map<String, Object>> history = new ArrayList<>();
        for (OutgoingMail.EarlierMessage earlier : mail.history()) {
            Map<String, Object> entry = new HashMap<>();
            entry.put("authorName", earlierAuthor(earlier));
            entry.put("postedAt", QUOTE_DATE.format(earlier.postedAt()));
            entry.put("body", MailText.multiLine(earlier.body()));
            history.add(entry);
        }
        Map<String, Object> context = new HashMap<>();
        context.put("kind", mail.kind().templateName());
        context.put("supportName", identity.supportName());
        context.put("recipientName", recipientName);
        context.put("team", mail.recipient().team());
        context.put("authorName", authorName);
        context.put("reference", mail.caseReference());
        context.put("subject", subject);
        context.put("body", mail.body() == null ? null : MailText.multiLine(mail.body()));
        context.put("history", Collections.unmodifiableList(history));
        context.put("confirmUrl", mail.confirmUrl());
        context.put("confirmCode", MailText.oneLine(mail.confirmCode(), 200));
        context.put("reason", MailText.oneLine(mail.reason(), 500));
        return context;
    }

    private static String earlierAuthor(OutgoingMail.EarlierMessage earlier) {
        String name = MailText.name(earlier.authorName());
        return name == null ? "Someone" : name;
    }

    /** Marker line, the kind's template, then the history, each line of it quoted with {@code "> "}. */
    private String text(OutgoingMail mail, Map<String, Object> context) {
        StringBuilder b = new StringBuilder();
        b.append(replyMarker(mail.caseReference())).append("\n\n");
        b.append(MailText.multiLine(templates.text(mail.kind(), context))).append('\n');
        if (!mail.attachments().isEmpty()) {
            b.append('\n').append(ATTACHMENTS_HEADING).append('\n');
            for (OutgoingMail.Attachment attachment : mail.attachments()) {
                b.append("- ").append(attachmentLine(attachment)).append('\n');
            }
        }
        for (OutgoingMail.EarlierMessage earlier : mail.history()) {
            b.append("\nOn ").append(QUOTE_DATE.format(earlier.postedAt())).append(", ")
                    .append(earlierAuthor(earlier)).append(" wrote:\n");
            String body = MailText.multiLine(earlier.body());
            for (String line : body.split("\n", -1)) {
                b.append(line.isEmpty() ? ">" : "> " + line).append('\n');
            }
        }
        return b.toString();
    }

    /** The same as an HTML document: the marker as first paragraph, the template, the history in blockquotes. */
    private String html(OutgoingMail mail, Map<String, Object> context) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html>\n<head>\n")
                .append("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">\n")
                .append("</head>\n<body>\n")
                .append("<p style=\"color:#888888;font-size:12px\">")
                .append(MailTemplates.html(replyMarker(mail.caseReference()))).append("</p>\n");
        b.append(MailText.multiLine(templates.html(mail.kind(), context))).append('\n');
        if (!mail.attachments().isEmpty()) {
            b.append("<p>").append(MailTemplates.html(ATTACHMENTS_HEADING)).append("</p>\n<ul>\n");
            for (OutgoingMail.Attachment attachment : mail.attachments()) {
                b.append("<li>").append(MailTemplates.html(attachmentLine(attachment))).append("</li>\n");
            }
            b.append("</ul>\n");
        }
        for (OutgoingMail.EarlierMessage earlier : mail.history()) {
            b.append("<p>On ").append(MailTemplates.html(QUOTE_DATE.format(earlier.postedAt()))).append(", ")
                    .append(MailTemplates.html(earlierAuthor(earlier))).append(" wrote:</p>\n")
                    .append("<blockquote style=\"margin:0 0 0 0.8ex;border-left:1px solid #cccccc;padding-left:1ex\">")
                    .append(MailTemplates.html(MailText.multiLine(earlier.body()))).append("</blockquote>\n");
        }
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    /**
     * {@code fix.patch (1.2 KiB)}, {@code trace.zip (12.0 MiB, not in this e-mail: kept with the case)},
     * {@code big.iso (30.0 MiB, not kept: over the size limit)}.
     */
    private static String attachmentLine(OutgoingMail.Attachment attachment) {
        String name = MailText.oneLine(attachment.filename(), MailText.MAX_SUBJECT);
        String missing = attachment.omitted() ? ", not kept: over the size limit"
                : attachment.carried() ? "" : ", not in this e-mail: kept with the case";
        return (name == null || name.isEmpty() ? "(unnamed)" : name) + " (" + size(attachment.size()) + missing + ")";
    }

    private static String size(long bytes) {
        if (bytes < 1024) {
            return bytes == 1 ? "1 byte" : bytes + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    // --- MIME ------------------------------------------------------------------------------------------------

    /**
     * {@code "name" <address>}: ASCII names always as an RFC 5322 quoted-string, other names as RFC 2047
     * encoded words ({@link EncodedWords}); folded; just the address when there is no name.
     */
    private static String addressHeader(String header, String name, String address) {
        int used = header.length() + 2;
        if (name == null) {
            return address;
        }
        if (isAscii(name)) {
            String quoted = "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            return MimeUtility.fold(used, quoted + " <" + address + ">");
        }
        String words = EncodedWords.encode(name, used);
        String lastLine = words.substring(words.lastIndexOf('\n') + 1);
        int lastLineLength = (words.indexOf('\n') < 0 ? used : 0) + lastLine.length();
        return words + (lastLineLength + 2 + address.length() + 1 <= 78 ? " <" : "\r\n <") + address + ">";
    }

    /** A subject: ASCII as it is, folded at its spaces; else encoded words ({@link EncodedWords}). */
    private static String unstructured(String header, String text) {
        int used = header.length() + 2;
        return isAscii(text) ? MimeUtility.fold(used, text) : EncodedWords.encode(text, used);
    }

    private static boolean isAscii(String text) {
        return text.chars().allMatch(c -> c >= 0x20 && c < 0x7F);
    }

    /** A boundary derived from the Message-ID (so the same mail always gets the same one) that occurs in neither part. */
    private static String boundary(String messageId, String text, String html) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(messageId.getBytes(StandardCharsets.UTF_8));
            String boundary = "=_casey_" + HexFormat.of().formatHex(hash, 0, 8);
            String candidate = boundary;
            for (int i = 1; text.contains(candidate) || html.contains(candidate); i++) {
                candidate = boundary + "_" + i;
            }
            return candidate;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A text part, quoted-printable when a line starts with "From ": a mailbox in mbox format (RFC 4155) takes such a
     * line for the start of the next mail and stores it as ">From ", so the recipient read a text that was changed, and
     * a DKIM signature over it broke. Quoted-printable lets {@link #fromLinesEncoded} write the F as "=46".
     */
    private static MimeBodyPart textPart(String lf, String subtype) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(crlf(lf), CHARSET, subtype);
        if (FROM_LINE.matcher(lf).find()) {
            part.setHeader("Content-Transfer-Encoding", "quoted-printable");
        }
        return part;
    }

    /**
     * Every body line starting with "From " written "=46rom ". Only quoted-printable parts can hold such a line
     * ({@link #textPart}; header lines start with a field name and a colon, base64 has no spaces), and there "=46" is
     * the F.
     */
    private static byte[] fromLinesEncoded(byte[] raw) {
        String mail = new String(raw, StandardCharsets.ISO_8859_1);
        String encoded = mail.replace("\r\nFrom ", "\r\n=46rom ");
        return encoded.length() == mail.length() ? raw : encoded.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String crlf(String lf) {
        return lf.replace("\n", "\r\n");
    }

    /** The top-level headers as they will be read: parsed back from the bytes, unfolded, decoded. */
    private static Map<String, String> decodedHeaders(byte[] raw) throws MessagingException, IOException {
        // the header block only: the body was just written and is not needed again
        InternetHeaders parsed = new InternetHeaders(new ByteArrayInputStream(raw));
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : Collections.list(parsed.getAllHeaders())) {
            String value = MimeUtility.unfold(h.getValue());
            if (ADDRESS_HEADERS.contains(h.getName().toLowerCase(Locale.ROOT))) {
                List<String> shown = new ArrayList<>();
                for (InternetAddress a : InternetAddress.parseHeader(value, true)) {
                    shown.add(a.getPersonal() == null ? a.getAddress()
                            : "\"" + a.getPersonal().replace("\\", "\\\\").replace("\"", "\\\"") + "\" <"
                                    + a.getAddress() + ">");
                }
                value = String.join(", ", shown);
            } else {
                value = MimeUtility.decodeText(value);
            }
            headers.put(h.getName(), value);
        }
        return headers;
    }

    /** A MimeMessage whose Message-ID is ours instead of one Jakarta Mail makes up. */
    private static final class FixedIdMimeMessage extends MimeMessage {
        private final String messageId;

        FixedIdMimeMessage(String messageId) {
            super(SESSION);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", "<" + messageId + ">");
        }
    }

    /** A multipart with the boundary we give instead of a random one. */
    private static final class FixedBoundaryMultipart extends MimeMultipart {
        FixedBoundaryMultipart(String subtype, String boundary) {
            super(subtype);
            ContentType type = new ContentType("multipart", subtype, null);
            type.setParameter("boundary", boundary);
            contentType = type.toString();
        }
    }
}
