package dev.casey.mailgateway.inbound;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Walks the MIME tree of a message once and sorts every part into body text, attachment or
 * delivery-report evidence. A part that fails in an unforeseen way becomes an attachment with its
 * raw bytes, so that one broken part never costs the rest of the mail.
 */
final class ContentCollector {

    /** Deeper nesting is no real mail but an attack on the stack; the rest is kept as attachment. */
    private static final int MAX_DEPTH = 30;
    private static final Pattern UUENCODE_BEGIN = Pattern.compile("^begin [0-7]{3,4} (\\S.*)$");
    private static final Pattern UNSAFE_FILENAME_CHARS = Pattern.compile("[\\\\/:*?\"<>|\\p{Cntrl}]+");
    private static final int LONGEST_FILENAME = 200;

    private enum Mode {
        /** Text parts are body text. */
        BODY,
        /** Text parts are an alternative version of a body taken elsewhere; only files count. */
        FILES_ONLY
    }

    private final long maxAttachmentSize;
    private final List<String> texts = new ArrayList<>();
    private final List<InboundAttachment> attachments = new ArrayList<>();
    private final DeliveryReports.Evidence reportEvidence = new DeliveryReports.Evidence();

    ContentCollector(long maxAttachmentSize) {
        this.maxAttachmentSize = maxAttachmentSize;
    }

    void collect(MimeEntity message) {
        walk(message, 0, Mode.BODY);
    }

    String text() {
        return PlainText.tidy(String.join("\n\n", texts));
    }

    List<InboundAttachment> attachments() {
        return attachments;
    }

    DeliveryReports.Evidence reportEvidence() {
        return reportEvidence;
    }

    private void walk(MimeEntity entity, int depth, Mode mode) {
        try {
            walkUnguarded(entity, depth, mode);
        } catch (RuntimeException unexpected) {
            keepRaw(entity);
        }
    }

    /** The last resort for a part we failed on: its raw bytes as an attachment, described if possible. */
    private void keepRaw(MimeEntity entity) {
        String filename = null;
        String type = "application/octet-stream";
        try {
            filename = filename(entity);
            type = entity.mediaType();
        } catch (RuntimeException unreadableHeaders) {
            // Keep the neutral description.
        }
        addAttachment(filename, type, rawBody(entity), null, false);
    }

    private void walkUnguarded(MimeEntity entity, int depth, Mode mode) {
        String type = entity.mediaType();
        if (type.startsWith("multipart/") && depth < MAX_DEPTH) {
            List<MimeEntity> parts = MultipartBody.split(entity);
            if (parts.isEmpty()) {
                // A multipart without a single boundary line: its body is all there is to show.
                if (mode == Mode.BODY) {
                    addText(entity, "text/plain");
                }
                return;
            }
            walkMultipart(type.substring("multipart/".length()), entity, parts, depth, mode);
            return;
        }
        switch (type) {
            case "message/rfc822", "message/global" -> addMessageAttachment(entity);
            case "message/delivery-status", "message/global-delivery-status" -> {
                reportEvidence.addStatusPart(entity.decodedBody());
                addFileAttachment(entity, type);
            }
            case "text/rfc822-headers", "message/global-headers" -> {
                byte[] headers = entity.decodedBody();
                MimeEntity returned = MimeEntity.parse(headers, 0, headers.length, true);
                reportEvidence.returnedMessage(MessageIds.first(returned.text("Message-ID")));
                addFileAttachment(entity, type);
            }
            default -> {
                if (isBodyText(entity, type)) {
                    if (mode == Mode.BODY) {
                        addText(entity, type);
                    }
                } else {
                    addFileAttachment(entity, type);
                }
            }
        }
    }

    private void walkMultipart(String subtype, MimeEntity multipart, List<MimeEntity> parts, int depth, Mode mode) {
        switch (subtype) {
            case "alternative" -> {
                MimeEntity chosen = chooseAlternative(parts);
                for (MimeEntity part : parts) {
                    // Other versions are not shown, but may hold files (Apple Mail nests attachments there).
                    walk(part, depth + 1, part == chosen ? mode : Mode.FILES_ONLY);
                }
            }
            case "related" -> {
                MimeEntity root = relatedRoot(multipart, parts);
                for (MimeEntity part : parts) {
                    if (part == root) {
                        walk(part, depth + 1, mode);
                    } else if (part.mediaType().startsWith("multipart/")) {
                        walk(part, depth + 1, Mode.FILES_ONLY);
                    } else {
                        // Resources of the root document (images, style sheets) are files even if textual.
                        addFileAttachment(part, part.mediaType());
                    }
                }
            }
            case "report" -> {
                for (int i = 0; i < parts.size(); i++) {
                    // The first part is the human-readable explanation; the rest is for machines.
                    walk(parts.get(i), depth + 1, i == 0 ? mode : Mode.FILES_ONLY);
                }
            }
            default -> {
                for (MimeEntity part : parts) {
                    walk(part, depth + 1, mode);
                }
            }
        }
    }

    /** Plain text unless it is empty (placeholder alternatives exist); else the richest version. */
    private MimeEntity chooseAlternative(List<MimeEntity> parts) {
        for (MimeEntity part : parts) {
            if (part.mediaType().equals("text/plain") && isBodyText(part, "text/plain")
                    && !textOf(part, "text/plain").isBlank()) {
                return part;
            }
        }
        for (int i = parts.size() - 1; i >= 0; i--) {
            String type = parts.get(i).mediaType();
            if (type.equals("text/html") || type.startsWith("multipart/")) {
                return parts.get(i);
            }
        }
        return parts.get(parts.size() - 1);
    }

    /** The part named by the "start" parameter (RFC 2387), else the first. */
    private static MimeEntity relatedRoot(MimeEntity multipart, List<MimeEntity> parts) {
        String start = multipart.contentType().parameter("start");
        if (start != null) {
            String wanted = MessageIds.first(start);
            for (MimeEntity part : parts) {
                String id = MessageIds.first(part.text("Content-ID"));
                if (id != null && id.equals(wanted)) {
                    return part;
                }
            }
        }
        return parts.get(0);
    }

    private static boolean isBodyText(MimeEntity entity, String type) {
        return (type.equals("text/plain") || type.equals("text/html"))
                && !entity.contentDisposition().value().equals("attachment")
                && filename(entity) == null;
    }

    private void addText(MimeEntity entity, String type) {
        String text = textOf(entity, type);
        if (type.equals("text/plain")) {
            text = extractUuencodedFiles(text);
        }
        if (!text.isBlank()) {
            texts.add(text);
        }
    }

    private static String textOf(MimeEntity entity, String type) {
        byte[] bytes = entity.decodedBody();
        ContentHeader contentType = entity.contentType();
        String charset = contentType.parameter("charset");
        if (type.equals("text/html")) {
            if (charset == null || MailCharsets.forLabel(charset).isEmpty()) {
                charset = MailCharsets.sniffHtmlCharset(bytes).orElse(charset);
            }
            return HtmlText.toText(MailCharsets.decode(bytes, charset));
        }
        String text = MailCharsets.decode(bytes, charset);
        if ("flowed".equalsIgnoreCase(contentType.parameter("format"))) {
            text = PlainText.unflow(text, "yes".equalsIgnoreCase(contentType.parameter("delsp")));
        }
        return PlainText.tidy(text);
    }

    /**
     * Lotus Notes and old Outlook versions put uuencoded files into the plain text itself
     * ("begin 644 name" ... "end"); they become attachments and leave the text. Scanned line by
     * line: a regular expression over thousands of lines would exhaust the stack.
     */
    private String extractUuencodedFiles(String text) {
        if (!text.contains("begin ")) {
            return text;
        }
        String[] lines = text.split("\n", -1);
        StringBuilder rest = new StringBuilder(text.length());
        int i = 0;
        while (i < lines.length) {
            Matcher begin = UUENCODE_BEGIN.matcher(lines[i]);
            int end = begin.matches() ? uuencodeEnd(lines, i + 1) : -1;
            if (end < 0) {
                rest.append(lines[i]).append('\n');
                i++;
                continue;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int k = i + 1; k < end; k++) {
                TransferDecoding.decodeUuLine(lines[k], bytes);
            }
            addAttachment(safeFilename(begin.group(1).trim()), "application/octet-stream", bytes.toByteArray(),
                    null, false);
            i = end + 1;
        }
        return PlainText.tidy(rest.toString());
    }

    private static int uuencodeEnd(String[] lines, int from) {
        for (int k = from; k < lines.length; k++) {
            if (lines[k].trim().equals("end")) {
                return k;
            }
        }
        return -1;
    }

    private void addFileAttachment(MimeEntity entity, String type) {
        String disposition = entity.contentDisposition().value();
        String contentId = contentId(entity);
        boolean inline = disposition.equals("inline") || (disposition.isEmpty() && contentId != null);
        addAttachment(filename(entity), type, entity.decodedBody(), contentId, inline);
    }

    /** An attached message: named after its subject, its text deliberately not part of the body. */
    private void addMessageAttachment(MimeEntity entity) {
        byte[] message = entity.decodedBody();
        MimeEntity inner = MimeEntity.parse(message, 0, message.length, true);
        String subject = InboundMailParser.subjectOf(inner);
        // A subject is no path: "Re: A/B" must keep "B" and lose only the unsafe characters.
        String filename = !subject.isEmpty() ? withoutUnsafeCharacters(subject + ".eml") : filename(entity);
        reportEvidence.returnedMessage(MessageIds.first(inner.text("Message-ID")));
        String disposition = entity.contentDisposition().value();
        addAttachment(filename == null ? "message.eml" : filename, entity.mediaType(), message, contentId(entity),
                disposition.equals("inline"));
    }

    private void addAttachment(String filename, String type, byte[] content, String contentId, boolean inline) {
        boolean omitted = content.length > maxAttachmentSize;
        attachments.add(new InboundAttachment(filename, type, content.length, omitted ? new byte[0] : content,
                contentId, inline, omitted));
    }

    private static byte[] rawBody(MimeEntity entity) {
        return Arrays.copyOfRange(entity.data(), entity.bodyStart(), entity.bodyEnd());
    }

    private static String contentId(MimeEntity entity) {
        return MessageIds.first(entity.text("Content-ID"));
    }

    /**
     * The file name: Content-Disposition filename, else Content-Type name; RFC 2231 is resolved by
     * {@link ContentHeader}, RFC 2047 words (not allowed there, but common) are decoded here.
     */
    static String filename(MimeEntity entity) {
        String name = entity.contentDisposition().parameter("filename");
        if (name == null || name.isBlank()) {
            name = entity.contentType().parameter("name");
        }
        if (name == null || name.isBlank()) {
            return null;
        }
        return safeFilename(EncodedWords.decode(name));
    }

    /** Only the last path element, without characters that file systems refuse; null when empty. */
    static String safeFilename(String name) {
        return withoutUnsafeCharacters(name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1));
    }

    private static String withoutUnsafeCharacters(String name) {
        String safe = UNSAFE_FILENAME_CHARS.matcher(name).replaceAll("_").replaceAll("\\s+", " ").trim();
        if (safe.length() > LONGEST_FILENAME) {
            int dot = safe.lastIndexOf('.');
            String extension = dot > 0 && safe.length() - dot <= 10 ? safe.substring(dot) : "";
            safe = safe.substring(0, LONGEST_FILENAME - extension.length()) + extension;
        }
        return safe.isEmpty() || safe.equals(".") || safe.equals("..") ? null : safe;
    }
}
