package dev.casey.mailgateway.outbox;

import dev.casey.api.settings.Setting;
import dev.casey.api.settings.Settings;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * The SMTP server of the configuration, and how to reach it: the one place that turns the
 * {@code smtp*} keys into a Jakarta Mail session, for delivery and for health probes alike.
 */
public record SmtpEndpoint(String host, int port, String username, String password, String encryption,
                           String envelopeFrom) {

    /** The configured server; empty when no {@code smtpServer} is set. */
    public static java.util.Optional<SmtpEndpoint> of(Settings settings) {
        return settings.text(Setting.SMTP_SERVER).map(host -> new SmtpEndpoint(host, settings.integer(Setting.SMTP_PORT),
                settings.text(Setting.SMTP_USERNAME).orElse(null), settings.text(Setting.SMTP_PASSWORD).orElse(null),
                Objects.toString(settings.get(Setting.SMTP_ENCRYPTION)), settings.mailAddress()));
    }

    /** {@code smtps} for TLS from the first byte, {@code smtp} (possibly with STARTTLS) otherwise. */
    public String protocol() {
        return encryption.equals("tls") ? "smtps" : "smtp";
    }

    /** A session whose every network step gives up after {@code timeout}. */
    public Session session(Duration timeout) {
        String millis = String.valueOf(timeout.toMillis());
        String protocol = protocol();
        Properties properties = new Properties();
        properties.put("mail." + protocol + ".connectiontimeout", millis);
        properties.put("mail." + protocol + ".timeout", millis);
        properties.put("mail." + protocol + ".writetimeout", millis);
        properties.put("mail." + protocol + ".from", envelopeFrom);
        properties.put("mail." + protocol + ".auth", String.valueOf(username != null));
        if (encryption.equals("starttls")) {
            properties.put("mail.smtp.starttls.enable", "true");
            properties.put("mail.smtp.starttls.required", "true");
        }
        return Session.getInstance(properties);
    }

    /** A transport of that session, connected and logged in. */
    public Transport connect(Session session) throws MessagingException {
        Transport transport = session.getTransport(protocol());
        transport.connect(host, port, username, password);
        return transport;
    }

    @Override
    public String toString() {
        return "SmtpEndpoint[" + host + ":" + port + ", " + encryption + "]"; // never the password
    }
}
