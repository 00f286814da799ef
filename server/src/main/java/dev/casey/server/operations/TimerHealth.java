package dev.casey.server.operations;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The case timers (confirmation expiry, idle close, team reminders). A timer due for longer than {@code maxDelay} that
 * no instance has picked up means timers are not firing: cases neither expire, nor close, nor remind anyone, and
 * nothing else tells. Read from the scheduler's table, so it speaks for every instance. Seen once in an audit: the jar
 * was rebuilt under a running caseyd, db-scheduler's polling loop met a class it could no longer load while logging an
 * error, and ended without a word in the log; its due timers waited until a restart. Two timer handlers that hang
 * (the scheduler runs two at a time) would hold up every other timer the same way.
 */
class TimerHealth implements HealthIndicator {

    /** The timers due before a moment and not picked up: how many, and when the oldest was due. */
    record Overdue(long count, Instant oldestDueAt) {
    }

    private final Supplier<Overdue> overdue;
    private final Duration maxDelay;

    TimerHealth(Supplier<Overdue> overdue, Duration maxDelay) {
        this.overdue = overdue;
        this.maxDelay = maxDelay;
    }

    @Override
    public Health health() {
        Overdue now;
        try {
            now = overdue.get();
        } catch (RuntimeException e) {
            return Indicators.unreadable("the timers", e);
        }
        if (now.count() == 0) {
            return Health.up().withDetail("overdue", 0).build();
        }
        return Health.down().withDetail("overdue", now.count())
                .withDetail("oldestDueAt", now.oldestDueAt().toString())
                .withDetail("reason", "timers due for more than " + maxDelay + " have not been picked up: no instance "
                        + "fires timers (restart one; see scheduled_tasks)")
                .build();
    }
}
