package dev.casey.server.operations;

import dev.casey.mailgateway.outbox.SmtpEndpoint;
import dev.casey.api.settings.Settings;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether the configured SMTP server takes mail now: connect (with STARTTLS or TLS and the login,
 * as the outbox does), NOOP, QUIT. The outbox keeps mail through an outage, so this says whether
 * mail goes out, not whether Casey works.
 */
class SmtpProbe implements HealthIndicator {

    /** Each network step; a health check must answer while a load balancer still waits. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(2);

    private final Supplier<Settings> settings;
    private final Duration reuseFor;
    private final Clock clock;
    private volatile Probed last;

    private record Probed(Instant at, SmtpEndpoint endpoint, Health health) {
    }

    /**
     * @param reuseFor an answer this young is given again: the health endpoint is open to anyone who
     *                 reaches the port, and each probe is a connection and a login at the SMTP server
     */
    SmtpProbe(Supplier<Settings> settings, Duration reuseFor, Clock clock) {
        this.settings = settings;
        this.reuseFor = reuseFor;
        this.clock = clock;
    }

    @Override
    public Health health() {
        Settings current;
        try {
            current = settings.get();
        } catch (RuntimeException e) {
            return Indicators.unreadable("the configuration", e);
        }
        if (!current.mailEnable()) {
            return Health.unknown().withDetail("mailEnable", false)
                    .withDetail("reason", "mail sending is off: mail waits in the outbox for a relay").build();
        }
        Optional<SmtpEndpoint> configured = SmtpEndpoint.of(current);
        if (configured.isEmpty()) {
            return Health.unknown().withDetail("reason", "no smtpServer configured").build();
        }
        SmtpEndpoint endpoint = configured.get();
        Probed previous = last;
        Instant now = clock.instant();
        if (previous != null && previous.endpoint().equals(endpoint)
                && previous.at().plus(reuseFor).isAfter(now)) {
            return previous.health();
        }
        Health health = probe(endpoint);
        last = new Probed(now, endpoint, health);
        return health;
    }

    private Health probe(SmtpEndpoint endpoint) {
        long started = System.nanoTime();
        // host names and user names stay out of the details: the endpoint answers anyone
        Health.Builder health = Health.unknown().withDetail("encryption", endpoint.encryption());
        try (Transport transport = endpoint.connect(endpoint.session(STEP_TIMEOUT))) {
            // Angus answers isConnected() with a NOOP to the server, not from its own state
            if (!transport.isConnected()) {
                return health.down().withDetail("error", "the server dropped the connection after the login").build();
            }
            return health.up().withDetail("latencyMs", (System.nanoTime() - started) / 1_000_000).build();
        } catch (MessagingException | RuntimeException e) {
            return health.down().withDetail("error", describe(e)).build();
        }
    }

    /** The innermost cause, which says what happened (connection refused, timed out, 535 …). */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage().strip();
        return root.getClass().getSimpleName() + message;
    }
}
