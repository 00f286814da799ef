package dev.casey.mailgateway.outbound;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;

/**
 * The attachments a mail carries. A composed mail is kept in the outbox without their bytes (the case keeps one copy
 * of an attachment, not one per recipient): the composer writes each carried attachment as a part with its headers and
 * an empty body that names the stored content in a header of ours, and {@link #filled} puts the content in, base64,
 * and takes that header out, whenever the mail is sent or handed to a relay.
 */
public final class CarriedAttachments {

    /** Names the stored content of a placeholder part; never sent. */
    static final String CONTENT_HEADER = "X-Casey-Attachment-Content";

    private static final String FALLBACK_TYPE = "application/octet-stream";
    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'});

    private CarriedAttachments() {
    }

    /** The part of a carried attachment as the outbox keeps it: name, media type, disposition, no content yet. */
    static MimeBodyPart placeholder(OutgoingMail.Attachment attachment) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(new byte[0], mediaType(attachment.contentType()))));
        String name = MailText.oneLine(attachment.filename(), MailText.MAX_SUBJECT);
        part.setFileName(name == null || name.isEmpty() ? "attachment" : name);
        part.setDisposition(Part.ATTACHMENT);
        part.setHeader("Content-Transfer-Encoding", "base64");
        part.setHeader(CONTENT_HEADER, attachment.content().toString());
        return part;
    }

    /**
     * The type and subtype as the sender gave them, with their charset (a text file is read by it); anything Jakarta
     * Mail cannot parse, or that names no subtype, is {@code application/octet-stream}.
     */
    private static String mediaType(String declared) {
        if (declared == null) {
            return FALLBACK_TYPE;
        }
        try {
            ContentType type = new ContentType(declared);
            if (type.getPrimaryType() == null || type.getSubType() == null || type.getPrimaryType().isEmpty()
                    || type.getSubType().isEmpty() || type.getPrimaryType().equalsIgnoreCase("multipart")) {
                return FALLBACK_TYPE;
            }
            ContentType kept = new ContentType(type.getPrimaryType().toLowerCase(Locale.ROOT),
                    type.getSubType().toLowerCase(Locale.ROOT), null);
            String charset = type.getParameter("charset");
            if (charset != null && charset.matches("[A-Za-z0-9._:-]{1,40}")) {
                kept.setParameter("charset", charset);
            }
            return kept.toString();
        } catch (ParseException e) {
            return FALLBACK_TYPE;
        }
    }

    /**
     * The mail as it is sent: {@code raw} (a composed mail) with the content of each carried attachment, read by
     * {@code contents} (null when there is none: the part stays empty), in its part. A mail that carries nothing is
     * returned as it is. Only the part headers of the top-level {@code multipart/mixed} are looked at, so a line of a
     * message text never counts as a placeholder.
     */
    public static byte[] filled(byte[] raw, Function<UUID, byte[]> contents) {
        String mail = new String(raw, StandardCharsets.US_ASCII);
        int bodyStart = mail.indexOf("\r\n\r\n");
        if (bodyStart < 0 || !mail.contains(CONTENT_HEADER + ":")) {
            return raw;
        }
        bodyStart += 4;
        String delimiter = boundary(raw);
        if (delimiter == null) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 64 * 1024);
        out.write(raw, 0, bodyStart);
        boolean inPartHeaders = false;
        UUID content = null;
        for (int pos = bodyStart; pos < raw.length; ) {
            int eol = mail.indexOf("\r\n", pos);
            int next = eol < 0 ? raw.length : eol + 2;
            String line = mail.substring(pos, eol < 0 ? raw.length : eol);
            if (inPartHeaders && line.regionMatches(true, 0, CONTENT_HEADER + ":", 0, CONTENT_HEADER.length() + 1)) {
                content = UUID.fromString(line.substring(CONTENT_HEADER.length() + 1).trim());
                pos = next;
                continue;
            }
            out.write(raw, pos, next - pos);
            String delimiterLine = line.stripTrailing();
            if (delimiterLine.equals(delimiter) || delimiterLine.equals(delimiter + "--")) {
                inPartHeaders = delimiterLine.equals(delimiter);
                content = null;
            } else if (inPartHeaders && line.isEmpty()) {
                inPartHeaders = false;
                if (content != null) {
                    // the empty body is followed by the CRLF that belongs to the next delimiter
                    byte[] bytes = contents.apply(content);
                    out.writeBytes(BASE64.encode(bytes == null ? new byte[0] : bytes));
                    content = null;
                }
            }
            pos = next;
        }
        return out.toByteArray();
    }

    /** {@code --boundary} of a top-level {@code multipart/mixed}, or null. */
    private static String boundary(byte[] raw) {
        try {
            String header = new InternetHeaders(new ByteArrayInputStream(raw)).getHeader("Content-Type", null);
            ContentType type = header == null ? null : new ContentType(header);
            return type != null && type.match("multipart/mixed") && type.getParameter("boundary") != null
                    ? "--" + type.getParameter("boundary") : null;
        } catch (MessagingException e) {
            return null;
        }
    }
}
