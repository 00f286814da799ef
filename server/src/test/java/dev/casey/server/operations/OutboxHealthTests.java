package dev.casey.server.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casey.api.settings.Settings;
import dev.casey.mailgateway.outbox.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class OutboxHealthTests {

    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final Settings SENDING = Settings.defaults().with(Map.of("smtpServer", "smtp.example.org"));
    static final Settings RELAY = SENDING.with(Map.of("mailEnable", false));

    static Health health(Settings settings, Outbox.Backlog backlog) {
        return new OutboxHealth(() -> settings, () -> backlog, Duration.ofMinutes(15), Clock.fixed(NOW, ZoneOffset.UTC))
                .health();
    }

    @Test
    void givenTheDatabaseAway_thenUnknownNotAFailureOfTheHealthEndpoint() {
        RecentValue<Outbox.Backlog> unreadable = new RecentValue<>(() -> {
            throw new IllegalStateException("Connection is not available, request timed out after 5000ms");
        }, Duration.ofSeconds(1));
        Health health = new OutboxHealth(() -> SENDING, unreadable, Duration.ofMinutes(15),
                Clock.fixed(NOW, ZoneOffset.UTC)).health();
        assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
        assertThat(health.getDetails().get("reason").toString()).contains("request timed out");
    }

    @Test
    void aFailedReadIsRememberedAsLongAsAValue() {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        RecentValue<Outbox.Backlog> unreadable = new RecentValue<>(() -> {
            reads.incrementAndGet();
            throw new IllegalStateException("database away");
        }, Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            org.assertj.core.api.Assertions.assertThatThrownBy(unreadable::get).hasMessage("database away");
        }
        assertThat(reads).hasValue(1);
    }

    @Test
    void givenAnEmptyOutbox_thenUp() {
        Health health = health(SENDING, new Outbox.Backlog(0, null));
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("queued", 0L).doesNotContainKey("oldestQueuedAt");
    }

    @Test
    void givenMailWaitingBriefly_thenUpWithItsAge() {
        Health health = health(SENDING, new Outbox.Backlog(4, NOW.minusSeconds(90)));
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("queued", 4L).containsEntry("oldestQueuedAgeSeconds", 90L);
    }

    @Test
    void givenMailWaitingLongerThanTheLimitWhileSending_thenDown() {
        assertThat(health(SENDING, new Outbox.Backlog(1, NOW.minus(Duration.ofMinutes(16)))).getStatus())
                .isEqualTo(Status.DOWN);
    }

    @Test
    void givenMailWaitingForAnExternalRelay_thenUpHoweverOld() {
        Health health = health(RELAY, new Outbox.Backlog(1, NOW.minus(Duration.ofDays(2))));
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails().get("delivery").toString()).startsWith("relay");
    }
}
