package dev.casey.server;

import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading mails in tests: decoded headers and text. */
public final class Mails {

    private Mails() {
    }

    public static String header(byte[] raw, String name) {
        try {
            String value = MailServers.parse(raw).getHeader(name, null);
            return value == null ? null : MimeUtility.unfold(MimeUtility.decodeText(value));
        } catch (MessagingException | java.io.UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text/plain part. */
    public static String text(byte[] raw) {
        try {
            return text(MailServers.parse(raw));
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(Part part) throws MessagingException, IOException {
        if (part.isMimeType("text/plain")) {
            return (String) part.getContent();
        }
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                String text = text(multipart.getBodyPart(i));
                if (text != null) {
                    return text;
                }
            }
        }
        return null;
    }

    /** Every header (decoded) and every text part of a mail, as one string to search in. */
    public static String everything(byte[] raw) {
        try {
            MimeMessage message = MailServers.parse(raw);
            StringBuilder all = new StringBuilder();
            for (Header header : Collections.list(message.getAllHeaders())) {
                all.append(header.getName()).append(": ").append(MimeUtility.decodeText(header.getValue())).append('\n');
            }
            collect(message, all);
            return all.toString();
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void collect(Part part, StringBuilder all) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart body = multipart.getBodyPart(i);
                for (Header header : Collections.list(body.getAllHeaders())) {
                    all.append(header.getName()).append(": ").append(header.getValue()).append('\n');
                }
                collect(body, all);
            }
        } else if (part.isMimeType("text/*")) {
            all.append(part.getContent()).append('\n');
        }
    }

    /** The content of each part of a mail that is an attachment, by file name, in order. */
    public static Map<String, byte[]> attachments(byte[] raw) {
        try {
            Map<String, byte[]> attachments = new LinkedHashMap<>();
            collectAttachments(MailServers.parse(raw), attachments);
            return attachments;
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void collectAttachments(Part part, Map<String, byte[]> attachments)
            throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                collectAttachments(multipart.getBodyPart(i), attachments);
            }
        } else if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
            attachments.put(part.getFileName(), part.getInputStream().readAllBytes());
        }
    }

    public static List<String> ids(String header) {
        if (header == null) {
            return List.of();
        }
        return java.util.Arrays.stream(header.trim().split("\\s+")).map(id -> id.replaceAll("[<>]", "")).toList();
    }
}
