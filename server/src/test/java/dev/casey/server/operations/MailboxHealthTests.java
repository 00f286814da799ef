package dev.casey.server.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casey.api.settings.Settings;
import dev.casey.mailgateway.imap.MailboxPoller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class MailboxHealthTests {

    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final Settings IMAP = Settings.defaults().with(Map.of("imapServer", "imap.example.org",
            "imapUsername", "support", "imapPassword", "secret-password", "mailSyncTimer", 60));

    static MailboxPoller.Stats stats(boolean leader, boolean connected, Instant lastCycle) {
        return new MailboxPoller.Stats(3, 1, 0, 0, lastCycle, leader, connected, true);
    }

    static Health health(Settings settings, MailboxPoller.Stats stats) {
        return new MailboxHealth(() -> settings, () -> stats, Clock.fixed(NOW, ZoneOffset.UTC)).health();
    }

    @Test
    void givenNoImapServer_thenUnknown() {
        assertThat(health(Settings.defaults(), stats(false, false, null)).getStatus()).isEqualTo(Status.UNKNOWN);
    }

    @Test
    void givenMailSwitchedOff_thenUnknown() {
        Health health = health(IMAP.with(Map.of("mailEnable", false)), stats(false, false, null));
        assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
        assertThat(health.getDetails()).containsEntry("mailEnable", false);
    }

    @Test
    void givenAnotherInstanceLeads_thenUpOnStandby() {
        Health health = health(IMAP, stats(false, false, null));
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("role", "standby");
    }

    @Test
    void givenTheLeaderRecentlyEmptiedTheInbox_thenUp() {
        Health health = health(IMAP, stats(true, true, NOW.minusSeconds(30)));
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("role", "leader").containsEntry("processed", 3L)
                .containsEntry("lastSuccessfulCycle", NOW.minusSeconds(30).toString());
        assertThat(health.getDetails().toString()).doesNotContain("secret-password").doesNotContain("imap.example.org");
    }

    @Test
    void givenTheLeaderIsNotConnected_thenDown() {
        assertThat(health(IMAP, stats(true, false, NOW.minusSeconds(30))).getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void givenTheLeaderHasNotEmptiedTheInboxForLong_thenDown() {
        assertThat(health(IMAP, stats(true, true, NOW.minus(Duration.ofMinutes(6)))).getStatus())
                .isEqualTo(Status.DOWN);
        assertThat(health(IMAP, stats(true, true, NOW.minus(Duration.ofMinutes(4)))).getStatus())
                .isEqualTo(Status.UP);
    }

    @Test
    void staleness_isThreeSyncIntervalsButAtLeastFiveMinutes() {
        assertThat(MailboxHealth.staleAfter(Duration.ofSeconds(1))).isEqualTo(Duration.ofMinutes(5));
        assertThat(MailboxHealth.staleAfter(Duration.ofMinutes(10))).isEqualTo(Duration.ofMinutes(30));
    }
}
