package dev.casey.server.operations;

import dev.casey.api.settings.Settings;
import dev.casey.mailgateway.imap.MailboxConfiguration;
import dev.casey.mailgateway.imap.MailboxPoller;
import dev.casey.mailgateway.imap.MailboxSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The support mailbox as the IMAP poller sees it. Only one instance polls (the leader); the others
 * stand by and are healthy, since they take over when the leader goes away.
 */
class MailboxHealth implements HealthIndicator {

    /**
     * A leader whose last emptied inbox is older than this many sync intervals (and at least
     * {@link #MIN_STALE}) is stuck; one long cycle over a big backlog must not count as stuck.
     */
    static final int STALE_INTERVALS = 3;
    static final Duration MIN_STALE = Duration.ofMinutes(5);

    private final Supplier<Settings> settings;
    private final Supplier<MailboxPoller.Stats> stats;
    private final Clock clock;

    MailboxHealth(Supplier<Settings> settings, Supplier<MailboxPoller.Stats> stats, Clock clock) {
        this.settings = settings;
        this.stats = stats;
        this.clock = clock;
    }

    @Override
    public Health health() {
        Optional<MailboxSettings> mailbox;
        try {
            mailbox = MailboxConfiguration.mailbox(settings.get());
        } catch (RuntimeException e) {
            return Indicators.unreadable("the configuration", e);
        }
        if (mailbox.isEmpty()) {
            return Health.unknown().withDetail("reason", "no imapServer configured").build();
        }
        if (!mailbox.get().enabled()) {
            return Health.unknown().withDetail("mailEnable", false)
                    .withDetail("reason", "mail is switched off: the mailbox is not polled").build();
        }
        MailboxPoller.Stats now = stats.get();
        Health.Builder health = Health.unknown()
                .withDetail("processed", now.processed())
                .withDetail("duplicates", now.duplicates())
                .withDetail("quarantined", now.quarantined())
                .withDetail("failures", now.failures());
        if (now.lastSuccessfulCycle() != null) {
            health.withDetail("lastSuccessfulCycle", now.lastSuccessfulCycle().toString());
        }
        if (!now.leader()) {
            return health.up().withDetail("role", "standby").build();
        }
        health.withDetail("role", "leader").withDetail("connected", now.connected()).withDetail("idle", now.idling());
        if (!now.connected()) {
            return health.down().withDetail("reason", "not connected to the mailbox; retrying").build();
        }
        Duration stale = staleAfter(mailbox.get().syncInterval());
        Instant last = now.lastSuccessfulCycle();
        if (last != null && last.plus(stale).isBefore(clock.instant())) {
            return health.down().withDetail("reason", "the inbox has not been emptied for more than " + stale)
                    .build();
        }
        return health.up().build();
    }

    static Duration staleAfter(Duration syncInterval) {
        Duration stale = syncInterval.multipliedBy(STALE_INTERVALS);
        return stale.compareTo(MIN_STALE) < 0 ? MIN_STALE : stale;
    }
}
