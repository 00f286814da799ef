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
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;

/**
 * The attachments a mail carries. A composed mail is kept in the outbox without their bytes (the case keeps one copy
 * of an attachment, not one per recipient): the composer writes each carried attachment as a part with its headers and
 * an empty body that names the stored content in a header of ours, and a {@link Sendable} puts the content in, base64,
 * and takes that header out, as the mail is written to the SMTP server or for a relay.
 */
public final class CarriedAttachments {

    /** Names the stored content of a placeholder part; never sent. */
    static final String CONTENT_HEADER = "X-Casey-Attachment-Content";

    private static final String FALLBACK_TYPE = "application/octet-stream";
    /** Parameter values of RFC 2231 grow to three characters a byte: a longer name would outgrow a header line. */
    private static final int MAX_FILENAME = 60;

    private CarriedAttachments() {
    }

    /** The part of a carried attachment as the outbox keeps it: name, media type, disposition, no content yet. */
    static MimeBodyPart placeholder(OutgoingMail.Attachment attachment) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(new byte[0], mediaType(attachment.contentType()))));
        part.setFileName(filename(attachment.filename()));
        part.setDisposition(Part.ATTACHMENT);
        part.setHeader("Content-Transfer-Encoding", "base64");
        part.setHeader(CONTENT_HEADER, attachment.content().toString());
        return part;
    }

    /** The name on one line, at most {@link #MAX_FILENAME} characters, keeping its extension. */
    private static String filename(String name) {
        String line = MailText.oneLine(name, Integer.MAX_VALUE);
        if (line == null || line.isEmpty()) {
            return "attachment";
        }
        if (line.codePointCount(0, line.length()) <= MAX_FILENAME) {
            return line;
        }
        int dot = line.lastIndexOf('.');
        String extension = dot > 0 && line.length() - dot <= 10 ? line.substring(dot) : "";
        String stem = line.substring(0, line.length() - extension.length());
        return MailText.prefix(stem, MAX_FILENAME - 1 - extension.length()) + "…" + extension;
    }

    /**
     * The type and subtype as the sender gave them, with their charset. A text without a known charset would be
     * labelled UTF-8 by Jakarta Mail, and a mail ({@code message/*}) may not be sent in base64 (RFC 2046): both go as
     * {@code application/octet-stream}, the bytes as they are, as does anything Jakarta Mail cannot parse.
     */
    private static String mediaType(String declared) {
        if (declared == null) {
            return FALLBACK_TYPE;
        }
        try {
            ContentType type = new ContentType(declared);
            String primary = type.getPrimaryType() == null ? "" : type.getPrimaryType().toLowerCase(Locale.ROOT);
            String sub = type.getSubType() == null ? "" : type.getSubType().toLowerCase(Locale.ROOT);
            String charset = type.getParameter("charset");
            boolean knownCharset = charset != null && charset.matches("[A-Za-z0-9._:-]{1,40}");
            if (primary.isEmpty() || sub.isEmpty() || primary.equals("multipart") || primary.equals("message")
                    || primary.equals("text") && !knownCharset) {
                return FALLBACK_TYPE;
            }
            ContentType kept = new ContentType(primary, sub, null);
            if (knownCharset) {
                kept.setParameter("charset", charset);
            }
            return kept.toString();
        } catch (ParseException e) {
            return FALLBACK_TYPE;
        }
    }

    /**
     * A composed mail ready to be written out with its attachments: {@code contents} opens the stored content of a
     * carried attachment (null when there is none: the part stays empty), read as it is written, so that a large
     * attachment is never held whole. Only the part headers of the top-level {@code multipart/mixed} are looked at, so
     * a line of a message text never counts as a placeholder.
     */
    public record Sendable(byte[] raw, Function<UUID, InputStream> contents) {

        /** Whether the mail carries attachments (else it is written as composed). */
        public boolean carries() {
            return indexOf(raw, (CONTENT_HEADER + ":").getBytes(StandardCharsets.US_ASCII)) >= 0;
        }

        /** The header block of the mail, up to and with the empty line that ends it. */
        public byte[] headers() {
            int end = indexOf(raw, new byte[] {'\r', '\n', '\r', '\n'});
            return end < 0 ? raw.clone() : Arrays.copyOf(raw, end + 4);
        }

        /** The mail with the content of its attachments, in memory. */
        public byte[] toByteArray() {
            if (!carries()) {
                return raw;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 64 * 1024);
            try {
                writeTo(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }

        /** Writes the mail with the content of its attachments. */
        public void writeTo(OutputStream out) throws IOException {
            String delimiter = carries() ? boundary(raw) : null;
            if (delimiter == null) {
                out.write(raw);
                return;
            }
            String mail = new String(raw, StandardCharsets.US_ASCII);
            int bodyStart = mail.indexOf("\r\n\r\n") + 4;
            out.write(raw, 0, bodyStart);
            boolean inPartHeaders = false;
            UUID content = null;
            for (int pos = bodyStart; pos < raw.length; ) {
                int eol = mail.indexOf("\r\n", pos);
                int next = eol < 0 ? raw.length : eol + 2;
                String line = mail.substring(pos, eol < 0 ? raw.length : eol);
                if (inPartHeaders
                        && line.regionMatches(true, 0, CONTENT_HEADER + ":", 0, CONTENT_HEADER.length() + 1)) {
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
                        base64(contents.apply(content), out);
                        content = null;
                    }
                }
                pos = next;
            }
        }

        /** The content in base64 lines of 76 characters, CRLF between them (none after the last). */
        private static void base64(InputStream content, OutputStream out) throws IOException {
            if (content == null) {
                return;
            }
            try (content; OutputStream encoder = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'})
                    .wrap(new FilterOutputStream(out) {
                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            out.write(b, off, len);
                        }

                        @Override
                        public void close() throws IOException {
                            flush(); // the mail goes on after the attachment
                        }
                    })) {
                content.transferTo(encoder);
            }
        }

        private static int indexOf(byte[] bytes, byte[] wanted) {
            outer:
            for (int i = 0; i <= bytes.length - wanted.length; i++) {
                for (int j = 0; j < wanted.length; j++) {
                    if (bytes[i + j] != wanted[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
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
