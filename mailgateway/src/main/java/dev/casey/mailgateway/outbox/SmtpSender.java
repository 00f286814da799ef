package dev.casey.mailgateway.outbox;

import dev.casey.api.settings.Settings;
import dev.casey.mailgateway.outbound.CarriedAttachments;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Hands stored mails to the SMTP server as they are: the bytes are not re-encoded and no
 * Message-ID is invented, so a resend is the same mail. The envelope sender is the support
 * address, so bounces come back to the support mailbox. One per delivery worker: it keeps that
 * worker's connection open between mails, and checks it (a {@code NOOP}) only after it was idle for
 * {@link #CHECK_AFTER_IDLE}; a connection used unchecked that the server dropped meanwhile is replaced and the
 * mail sent once more over the new one.
 */
class SmtpSender implements AutoCloseable {

    /** Why a mail was not accepted; permanent failures are not retried. */
    static final class SmtpFailure extends Exception {
        private final boolean permanent;

        SmtpFailure(String message, boolean permanent, Throwable cause) {
            super(message, cause);
            this.permanent = permanent;
        }

        boolean permanent() {
            return permanent;
        }

        /** The server refused the mail for its size (RFC 3463's 5.3.4, or a 552 that is no full mailbox). */
        boolean tooLarge() {
            String answer = String.valueOf(getMessage());
            return answer.contains("5.3.4") || answer.startsWith("552") && !answer.contains("5.2.2");
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * Angus Mail's {@code Transport.isConnected()} sends a {@code NOOP} and waits for the answer: a round trip
     * before every mail if asked each time. Servers drop idle connections after minutes, not seconds.
     */
    static final Duration CHECK_AFTER_IDLE = Duration.ofSeconds(5);

    private SmtpEndpoint endpoint;
    private Session session;
    private Transport transport;
    private long lastAnswer;

    /** Test hook: {@link #CHECK_AFTER_IDLE}. */
    volatile Duration checkAfterIdle = CHECK_AFTER_IDLE;

    /** Sends the mail, the content of its attachments read as it is written to the server. */
    synchronized void send(Settings settings, CarriedAttachments.Sendable raw, String recipient) throws SmtpFailure {
        // a connection used without a check may have been dropped by the server since its last answer; one that
        // was checked or is new failed for a reason that a second attempt at once would only meet again
        Optional<SmtpEndpoint> wanted = SmtpEndpoint.of(settings);
        boolean unchecked = kept(wanted) && answeredLately();
        try {
            sendOnce(wanted, raw, recipient);
        } catch (SmtpFailure failure) {
            if (!unchecked || transport != null || failure.permanent()) {
                throw failure;
            }
            // the unchecked connection had gone (the server answered nothing): once more over a new one
            sendOnce(wanted, raw, recipient);
        }
    }

    private void sendOnce(Optional<SmtpEndpoint> wanted, CarriedAttachments.Sendable raw, String recipient)
            throws SmtpFailure {
        try {
            Transport connected = transport(wanted.orElseThrow());
            MimeMessage message = new Streamed(session, raw);
            connected.sendMessage(message, new InternetAddress[] {new InternetAddress(recipient, true)});
            lastAnswer = System.nanoTime();
        } catch (SMTPAddressFailedException | SMTPSendFailedException e) {
            int code = e instanceof SMTPAddressFailedException a ? a.getReturnCode() : ((SMTPSendFailedException) e).getReturnCode();
            if (code < 0) { // no answer at all: the connection is gone
                close();
            } else {
                lastAnswer = System.nanoTime();
            }
            throw new SmtpFailure(e.getMessage().trim(), code >= 500, e);
        } catch (SendFailedException e) {
            Exception next = e.getNextException();
            if (next instanceof SMTPAddressFailedException a) {
                throw new SmtpFailure(a.getMessage().trim(), a.getReturnCode() >= 500, e);
            }
            close();
            throw new SmtpFailure(String.valueOf(e.getMessage()).trim(), e.getInvalidAddresses() != null
                    && e.getInvalidAddresses().length > 0, e);
        } catch (AuthenticationFailedException e) {
            close();
            throw new SmtpFailure("the SMTP server refused our credentials: " + e.getMessage(), false, e);
        } catch (MessagingException | RuntimeException e) {
            close();
            throw new SmtpFailure(describe(e), false, e);
        }
    }

    private Transport transport(SmtpEndpoint wanted) throws MessagingException {
        if (kept(Optional.of(wanted)) && (answeredLately() || transport.isConnected())) {
            return transport;
        }
        close();
        session = wanted.session(TIMEOUT);
        transport = wanted.connect(session);
        lastAnswer = System.nanoTime();
        endpoint = wanted;
        return transport;
    }

    /** Whether the connection kept from the last mail goes where the settings now say. */
    private boolean kept(Optional<SmtpEndpoint> wanted) {
        return transport != null && wanted.filter(w -> w.equals(endpoint)).isPresent();
    }

    private boolean answeredLately() {
        return System.nanoTime() - lastAnswer < checkAfterIdle.toNanos();
    }

    private static String describe(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root == e ? e.getMessage() : e.getMessage() + " (" + root + ")";
        return message == null ? e.getClass().getSimpleName() : message.trim();
    }

    /**
     * A mail Jakarta Mail reads only the headers of (the envelope), written to the server as it is: the stored bytes,
     * with the content of its attachments read while they are written.
     */
    private static final class Streamed extends MimeMessage {
        private final CarriedAttachments.Sendable mail;

        Streamed(Session session, CarriedAttachments.Sendable mail) throws MessagingException {
            super(session, new ByteArrayInputStream(mail.headers()));
            this.mail = mail;
        }

        @Override
        public void writeTo(OutputStream os, String[] ignoreList) throws IOException {
            mail.writeTo(os);
        }
    }

    @Override
    public synchronized void close() {
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException ignored) {
                // the connection is gone either way
            }
            transport = null;
        }
    }
}
