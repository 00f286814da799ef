package dev.casey.mailgateway.outbox;

import dev.casey.api.settings.Setting;
import dev.casey.api.settings.Settings;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.util.Objects;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.springframework.stereotype.Component;

/**
 * Hands stored mails to the SMTP server as they are: the bytes are not re-encoded and no
 * Message-ID is invented, so a resend is the same mail. The envelope sender is the support
 * address, so bounces come back to the support mailbox.
 */
@Component
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
    }

    /** The connection parameters a transport was opened with. */
    private record Endpoint(String host, int port, String username, String password, String encryption,
                            String envelopeFrom) {
    }

    private static final String TIMEOUT_MILLIS = "30000";

    private Endpoint endpoint;
    private Session session;
    private Transport transport;

    synchronized void send(Settings settings, byte[] raw, String recipient) throws SmtpFailure {
        try {
            Transport connected = transport(settings);
            MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(raw));
            connected.sendMessage(message, new InternetAddress[] {new InternetAddress(recipient, true)});
        } catch (SMTPAddressFailedException | SMTPSendFailedException e) {
            int code = e instanceof SMTPAddressFailedException a ? a.getReturnCode() : ((SMTPSendFailedException) e).getReturnCode();
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

    private Transport transport(Settings settings) throws MessagingException {
        Endpoint wanted = endpoint(settings);
        if (transport != null && transport.isConnected() && wanted.equals(endpoint)) {
            return transport;
        }
        close();
        boolean tls = wanted.encryption().equals("tls");
        String protocol = tls ? "smtps" : "smtp";
        Properties properties = new Properties();
        properties.put("mail." + protocol + ".connectiontimeout", TIMEOUT_MILLIS);
        properties.put("mail." + protocol + ".timeout", TIMEOUT_MILLIS);
        properties.put("mail." + protocol + ".writetimeout", TIMEOUT_MILLIS);
        properties.put("mail." + protocol + ".from", wanted.envelopeFrom());
        properties.put("mail." + protocol + ".auth", String.valueOf(wanted.username() != null));
        if (wanted.encryption().equals("starttls")) {
            properties.put("mail.smtp.starttls.enable", "true");
            properties.put("mail.smtp.starttls.required", "true");
        }
        session = Session.getInstance(properties);
        Transport opened = session.getTransport(protocol);
        opened.connect(wanted.host(), wanted.port(), wanted.username(), wanted.password());
        transport = opened;
        endpoint = wanted;
        return opened;
    }

    private static Endpoint endpoint(Settings settings) {
        return new Endpoint(settings.text(Setting.SMTP_SERVER).orElseThrow(), settings.integer(Setting.SMTP_PORT),
                settings.text(Setting.SMTP_USERNAME).orElse(null), settings.text(Setting.SMTP_PASSWORD).orElse(null),
                Objects.toString(settings.get(Setting.SMTP_ENCRYPTION)), settings.mailAddress());
    }

    private static String describe(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root == e ? e.getMessage() : e.getMessage() + " (" + root + ")";
        return message == null ? e.getClass().getSimpleName() : message.trim();
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
