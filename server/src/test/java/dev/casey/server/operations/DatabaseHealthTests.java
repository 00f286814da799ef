package dev.casey.server.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class DatabaseHealthTests {

    private final CountDownLatch never = new CountDownLatch(1);
    private final Supplier<Health> waitingForAConnection = () -> {
        try {
            never.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Health.down().withDetail("error", "Connection is not available, request timed out").build();
    };

    @Test
    void givenTheDatabaseAway_whenNoConnectionComesByTheDeadline_thenDown() {
        Health health = new DatabaseHealth(waitingForAConnection, () -> false, Duration.ofMillis(100)).health();
        never.countDown();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().get("error")).asString().contains("within 100 ms");
    }

    @Test
    void givenRequestsHoldingEveryConnection_whenNoneComesFreeByTheDeadline_thenStillUp() {
        Health health = new DatabaseHealth(waitingForAConnection, () -> true, Duration.ofMillis(100)).health();
        never.countDown();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsKey("busy");
    }

    @Test
    void aCheckInTimeIsAnsweredAsItIs() {
        Health health = new DatabaseHealth(() -> Health.up().withDetail("database", "PostgreSQL").build(), () -> false,
                Duration.ofSeconds(1)).health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("database", "PostgreSQL");
    }
}
