package dev.casey.mailgateway.inbound;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Properties;
import java.util.UUID;

/**
 * A mail submitted as JSON ({@code {from, subject, message}}, as in the Trivial Tickets receive API)
 * turned into the raw mail it stands for, so that it takes the same path as mail from IMAP.
 */
public final class SubmittedMail {

    private static final Session SESSION = Session.getInstance(new Properties());

    private SubmittedMail() {
    }

    /**
     * The raw mail. With an idempotency key the Message-ID is derived from it, so that a retried
     * submission is recognised as the same mail.
     */
    public static byte[] toRaw(String from, String subject, String message, String idempotencyKey, String domain) {
        try {
            MimeMessage mail = new MimeMessage(SESSION) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    String id = idempotencyKey == null ? messageId(UUID.randomUUID().toString(), domain)
                            : keyedMessageId(idempotencyKey, domain);
                    setHeader("Message-ID", "<" + id + ">");
                }
            };
            mail.setFrom(new InternetAddress(from, true));
            mail.setSubject(subject, "UTF-8");
            mail.setSentDate(new Date());
            mail.setText(message, "UTF-8");
            mail.saveChanges();
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            mail.writeTo(raw);
            return raw.toByteArray();
        } catch (MessagingException e) {
            throw new IllegalArgumentException("cannot build a mail from " + from + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The Message-ID (without angle brackets) of a mail submitted with this idempotency key. Versions before
     * 2026-12-02 08:10 passed the client's bare key here; since then the caller passes the key with its client and
     * sender, so a mail submitted then is found again under this id of the bare key.
     */
    public static String keyedMessageId(String idempotencyKey, String domain) {
        return messageId(InboundMailProcessor.sha256(idempotencyKey.getBytes(StandardCharsets.UTF_8)).substring(0, 32),
                domain);
    }

    private static String messageId(String id, String domain) {
        return "submitted." + id + "@" + domain;
    }
}
