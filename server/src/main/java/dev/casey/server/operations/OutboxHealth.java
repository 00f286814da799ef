package dev.casey.server.operations;

import dev.casey.api.settings.Settings;
import dev.casey.mailgateway.outbox.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The outgoing mail still waiting. A queue is normal (retries, a relay that collects mail now and
 * then); a mail waiting longer than {@code maxAge} while Casey sends mail itself means customers are
 * not being answered.
 */
class OutboxHealth implements HealthIndicator {

    private final Supplier<Settings> settings;
    private final Supplier<Outbox.Backlog> backlog;
    private final Duration maxAge;
    private final Clock clock;

    OutboxHealth(Supplier<Settings> settings, Supplier<Outbox.Backlog> backlog, Duration maxAge, Clock clock) {
        this.settings = settings;
        this.backlog = backlog;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    @Override
    public Health health() {
        boolean sending;
        Outbox.Backlog now;
        try {
            sending = settings.get().mailEnable();
            now = backlog.get();
        } catch (RuntimeException e) {
            return Indicators.unreadable("the outbox", e);
        }
        Health.Builder health = Health.up()
                .withDetail("queued", now.queued())
                .withDetail("delivery", sending ? "smtp" : "relay (mailEnable is off)");
        if (now.oldestQueuedAt() == null) {
            return health.build();
        }
        Duration age = Duration.between(now.oldestQueuedAt(), clock.instant());
        health.withDetail("oldestQueuedAt", now.oldestQueuedAt().toString())
                .withDetail("oldestQueuedAgeSeconds", Math.max(0, age.toSeconds()));
        if (sending && age.compareTo(maxAge) > 0) {
            return health.down().withDetail("reason", "a mail has been waiting for more than " + maxAge).build();
        }
        return health.build();
    }
}
