package dev.casey.mailgateway.inbound;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads bounces: standard RFC 3464 reports (multipart/report with a message/delivery-status part)
 * and the plain-text notices that many mail servers still send, recognised by a mailer-daemon or
 * postmaster sender together with a bounce subject.
 */
final class DeliveryReports {

    /** One per-recipient block of a delivery-status part. */
    record Recipient(String address, String action, String status, String diagnostic) {
    }

    /** What the MIME walk found that belongs to a delivery report. */
    static final class Evidence {
        private final List<Recipient> recipients = new ArrayList<>();
        private boolean statusPartSeen;
        private String returnedMessageId;
        private String originalMessageIdField;

        void addStatusPart(byte[] decoded) {
            statusPartSeen = true;
            String status = new String(decoded, StandardCharsets.UTF_8);
            recipients.addAll(parseStatus(status));
            // Gmail names the original in the per-message fields; used when no returned message says it.
            Matcher original = ORIGINAL_MESSAGE_ID_FIELD.matcher(status);
            if (original.find()) {
                originalMessageIdField = original.group(1);
            }
        }

        void returnedMessage(String messageId) {
            if (returnedMessageId == null) {
                returnedMessageId = messageId;
            }
        }
    }

    private static final Pattern BOUNCE_SUBJECT = Pattern.compile("(?iu)undeliver|returned mail|returned to sender"
            + "|delivery status notification|delivery (?:failure|failed|has failed|problem|notification)"
            + "|mail delivery failed|failure notice|non[- ]?delivery|could not send message|delayed mail"
            + "|nicht zustellbar|unzustellbar|zustellung fehlgeschlagen|[ée]chec de (?:la )?remise|non remis"
            + "|onbestelbaar|no se puede entregar|no entregado|kan ikke leveres");
    private static final Pattern DELAY_SUBJECT = Pattern.compile("(?iu)delay|warning|verz[öo]gert|retard");
    private static final Pattern DAEMON_NAME = Pattern.compile("(?i)mail delivery (?:system|subsystem)");
    // The address patterns below keep '@' out of both halves of an address and do not give back what they took
    // (possessive): when the halves could overlap, a line like "<a@a@a@…" was tried at every '@', and a fake bounce of
    // one 100 KB line took 20 to 80 s.
    private static final Pattern POSTFIX_RECIPIENT = Pattern.compile(
            "^<([^<>\\s@]++@[^<>\\s@]++)>(?:\\s*+\\(expanded from <[^<>]++>\\))?:(.*)$");
    private static final Pattern EXIM_FAILED = Pattern.compile("(?i)following address(?:\\(es\\)|es)? failed");
    private static final Pattern INDENTED_ADDRESS = Pattern.compile("^\\s++<?([^<>\\s@]++@[^<>\\s@]+?)>?:?\\s*+$");
    private static final String ADDRESS_IN_PROSE = "<?([^<>\\s@]++@[^<>\\s@]*[^<>\\s@.,:;])>?";
    /** Longer lines are no recipient line of a bounce (SMTP allows 998 characters), and are not looked at as one. */
    private static final int LONGEST_RECIPIENT_LINE = 1000;
    /** The reason below a recipient is read until it is this long: a bounce of endless indented lines is no reason. */
    private static final int LONGEST_DIAGNOSTIC = 2000;
    private static final Pattern PROSE_RECIPIENT = Pattern.compile("(?iu)(?:wasn't|was not|couldn't be|could not be)"
            + " delivered to " + ADDRESS_IN_PROSE + "|your message to " + ADDRESS_IN_PROSE + " couldn't be delivered");
    private static final Pattern STATUS_CODE = Pattern.compile("(?<![\\d.])([245]\\.\\d{1,3}\\.\\d{1,3})(?![\\d.])");
    private static final Pattern ORIGINAL_MESSAGE_ID_FIELD = Pattern.compile(
            "(?im)^X-Original-Message-ID:\\s*<([^<>\\s]+)>");
    private static final Pattern MESSAGE_ID_LINE = Pattern.compile("(?im)^\\s*Message-ID:\\s*<([^<>\\s]+)>");

    private DeliveryReports() {
    }

    /**
     * The delivery report a mail is, or null. A mail is one when the MIME walk met a
     * delivery-status part, or when a mailer daemon sends it under a bounce subject.
     */
    static DeliveryReport build(MailAddress from, String subject, String text, Evidence evidence) {
        String messageId = evidence.returnedMessageId != null ? evidence.returnedMessageId
                : evidence.originalMessageIdField != null ? evidence.originalMessageIdField : messageIdIn(text);
        if (evidence.statusPartSeen) {
            return fromRecipients(messageId, evidence.recipients);
        }
        if (!isDaemon(from) || !BOUNCE_SUBJECT.matcher(subject).find()) {
            return null;
        }
        if (text.contains("Final-Recipient:") || text.contains("Action:")) {
            List<Recipient> inline = parseStatus(text);
            if (!inline.isEmpty()) {
                return fromRecipients(messageId, inline);
            }
        }
        String action = DELAY_SUBJECT.matcher(subject).find() ? "delayed" : "failed";
        List<Recipient> recipients = recipientsInProse(text);
        Matcher status = STATUS_CODE.matcher(text);
        String statusCode = status.find() ? status.group(1) : null;
        String diagnostic = recipients.isEmpty() ? null : recipients.get(0).diagnostic();
        List<String> failed = action.equals("failed")
                ? recipients.stream().map(Recipient::address).distinct().toList()
                : List.of();
        return new DeliveryReport(messageId, failed, action, statusCode, diagnostic);
    }

    private static DeliveryReport fromRecipients(String messageId, List<Recipient> recipients) {
        List<Recipient> failed = recipients.stream().filter(DeliveryReports::hasFailed).toList();
        Recipient first = !failed.isEmpty() ? failed.get(0) : recipients.isEmpty() ? null : recipients.get(0);
        Set<String> failedAddresses = new LinkedHashSet<>();
        failed.stream().map(Recipient::address).filter(address -> address != null).forEach(failedAddresses::add);
        return new DeliveryReport(messageId, List.copyOf(failedAddresses),
                first == null ? null : first.action(),
                first == null ? null : first.status(),
                first == null ? null : first.diagnostic());
    }

    private static boolean hasFailed(Recipient recipient) {
        if (recipient.action() != null) {
            return recipient.action().equals("failed");
        }
        return recipient.status() != null && recipient.status().startsWith("5");
    }

    static boolean isDaemon(MailAddress from) {
        if (from == null) {
            return false;
        }
        String local = from.address().substring(0, Math.max(0, from.address().lastIndexOf('@')))
                .toLowerCase(Locale.ROOT);
        return local.equals("mailer-daemon") || local.equals("postmaster") || local.equals("mailer_daemon")
                || (from.name() != null && DAEMON_NAME.matcher(from.name()).find());
    }

    /** RFC 3464 fields: blocks separated by empty lines; each block with a recipient is one. */
    static List<Recipient> parseStatus(String statusText) {
        List<Recipient> recipients = new ArrayList<>();
        for (String block : statusText.replace("\r\n", "\n").split("\n[ \t]*\n")) {
            byte[] bytes = block.strip().getBytes(StandardCharsets.UTF_8);
            MimeEntity fields = MimeEntity.parse(bytes, 0, bytes.length, false);
            String finalRecipient = typedValue(fields.text("Final-Recipient"));
            String original = typedValue(fields.text("Original-Recipient"));
            String action = fields.text("Action");
            if (finalRecipient == null && original == null && action == null) {
                continue;
            }
            String address = finalRecipient != null ? finalRecipient : original;
            recipients.add(new Recipient(address,
                    action == null ? null : action.trim().toLowerCase(Locale.ROOT).replaceAll("\\s.*", ""),
                    statusCode(fields.text("Status")),
                    typedValue(fields.text("Diagnostic-Code"))));
        }
        return recipients;
    }

    /** "rfc822; jane@example.com" gives "jane@example.com"; whitespace collapsed; null when empty. */
    private static String typedValue(String value) {
        if (value == null) {
            return null;
        }
        int semicolon = value.indexOf(';');
        String text = (semicolon >= 0 ? value.substring(semicolon + 1) : value)
                .replaceAll("\\s+", " ").trim().replaceAll("^<(.*)>$", "$1");
        return text.isEmpty() ? null : text;
    }

    private static String statusCode(String value) {
        if (value == null) {
            return null;
        }
        Matcher code = STATUS_CODE.matcher(value);
        return code.find() ? code.group(1) : value.trim();
    }

    /** Recipients of a text bounce: Postfix "&lt;a@b&gt;: reason", Exim indented lists, prose. */
    private static List<Recipient> recipientsInProse(String text) {
        List<Recipient> recipients = new ArrayList<>();
        String[] lines = text.split("\n");
        boolean eximList = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.length() > LONGEST_RECIPIENT_LINE) {
                continue;
            }
            Matcher postfix = POSTFIX_RECIPIENT.matcher(line.trim());
            if (postfix.matches()) {
                // only the first recipient's reason is reported: reading every one's read the lines below it again
                recipients.add(new Recipient(postfix.group(1), "failed", null,
                        recipients.isEmpty() ? followingText(postfix.group(2), lines, i + 1) : null));
                continue;
            }
            if (EXIM_FAILED.matcher(line).find()) {
                eximList = true;
                continue;
            }
            Matcher indented = INDENTED_ADDRESS.matcher(line);
            if (eximList && indented.matches()) {
                recipients.add(new Recipient(indented.group(1), "failed", null,
                        recipients.isEmpty() ? followingText("", lines, i + 1) : null));
            }
        }
        if (recipients.isEmpty()) {
            Matcher prose = PROSE_RECIPIENT.matcher(text);
            if (prose.find()) {
                String address = prose.group(1) != null ? prose.group(1) : prose.group(2);
                recipients.add(new Recipient(address, "failed", null, null));
            }
        }
        return recipients;
    }

    /** The reason text after a recipient: the rest of its line and the indented lines below. */
    private static String followingText(String rest, String[] lines, int from) {
        StringBuilder text = new StringBuilder(rest.trim());
        for (int k = from; k < lines.length && text.length() < LONGEST_DIAGNOSTIC && !lines[k].isBlank()
                && Character.isWhitespace(lines[k].charAt(0)); k++) {
            text.append(' ').append(lines[k].trim());
        }
        String diagnostic = text.toString().replaceAll("\\s+", " ").trim();
        return diagnostic.isEmpty() ? null : diagnostic;
    }

    private static String messageIdIn(String text) {
        Matcher messageId = MESSAGE_ID_LINE.matcher(text);
        return messageId.find() ? messageId.group(1) : null;
    }
}
