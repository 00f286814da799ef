package dev.casey.server.operations;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The database check under a deadline: with the database away it waited the pool's 5 s timeout, before the other
 * indicators waited theirs. A check that gets no connection in time because requests hold every one of them is no
 * outage, though: the database answers them, and readiness must not take a busy instance out of the load balancer.
 */
final class DatabaseHealth implements HealthIndicator {

    private final Deadline<Health> checked;
    private final BooleanSupplier everyConnectionInUse;
    private final Duration limit;

    DatabaseHealth(Supplier<Health> check, BooleanSupplier everyConnectionInUse, Duration limit) {
        this.checked = new Deadline<>("db", check, limit);
        this.everyConnectionInUse = everyConnectionInUse;
        this.limit = limit;
    }

    @Override
    public Health health() {
        try {
            return checked.get();
        } catch (Deadline.Exceeded e) {
            if (everyConnectionInUse.getAsBoolean()) {
                return Health.up().withDetail("busy", "every connection of the pool is in use; none came free for "
                        + "this check within " + limit.toMillis() + " ms").build();
            }
            return Health.down().withDetail("error", e.getMessage()).build();
        }
    }
}
