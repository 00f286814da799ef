package dev.casey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** Timers are kept in the database: one that fell due while the service was down fires after the restart. */
class TimerRestartTests {

    @Test
    void anIdleCaseClosesAfterARestartAndActivityHadPushedTheTimerBack() throws Exception {
        Path dataDir = Files.createTempDirectory("casey-timer-restart-");
        try (MailServers mail = new MailServers()) {
            Path config = MailConversationTests.configFile(mail.config("\"caseCloseIdle\": \"4s\""));
            String uuid;
            String reference;
            Instant opened;
            try (ConfigurableApplicationContext first = Services.start(dataDir, "--casey.config-file=" + config)) {
                Api api = Services.api(first);
                api.person("Ben Foo", "ben@team.test", true);
                Api.Response created = api.openCase("Idle", "idle@example.org", "Going quiet", "hello");
                opened = Instant.now();
                uuid = created.at("/uuid");
                reference = created.at("/reference");
                sleepUntil(opened.plusSeconds(2));
                api.post("/case/" + uuid + "/messages", "{\"from\": \"idle@example.org\", \"message\": \"still here\"}");
                // the first check fell due at +4 s and found the case active 2 s before
                sleepUntil(opened.plusMillis(4_800));
                assertThat(api.get("/case/" + uuid).at("/status")).isEqualTo("open");
            }
            // the case fell idle (at +6 s) while the service was down
            sleepUntil(opened.plusSeconds(8));
            try (ConfigurableApplicationContext second = Services.start(dataDir, "--casey.config-file=" + config)) {
                Api api = Services.api(second);
                await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/case/" + uuid).at("/status").equals("closed"));
                String history = api.get("/case/" + uuid + "/history").text();
                assertThat(history).contains("no activity for 4s");
                await().atMost(Duration.ofSeconds(20)).until(() -> closedMail(mail, "idle@example.org", reference)
                        && closedMail(mail, "ben@team.test", reference));
                // the customer is thanked, the team is not
                assertThat(closedMailText(mail, "idle@example.org", reference)).contains("Thank you for contacting");
                assertThat(closedMailText(mail, "ben@team.test", reference)).doesNotContain("Thank you for contacting")
                        .contains("Nothing more is needed from you.");
            }
        }
    }

    @Test
    void aTimerPickedByAKilledInstanceFiresSoonAfterTheRestart() throws Exception {
        Path dataDir = Files.createTempDirectory("casey-timer-killed-");
        try (MailServers mail = new MailServers()) {
            Path config = MailConversationTests.configFile(mail.config("\"caseCloseIdle\": \"4s\""));
            String uuid;
            try (ConfigurableApplicationContext first = Services.start(dataDir, "--casey.config-file=" + config)) {
                Api api = Services.api(first);
                uuid = api.openCase("Killed", "killed@example.org", "Timer in flight", "hello").at("/uuid");
                // as if an instance had picked the timers and was killed with kill -9 while they ran: the rows
                // stay picked, with the heartbeat it last wrote
                first.getBean(JdbcTemplate.class).update("update scheduled_tasks set picked = true,"
                        + " picked_by = 'killed-instance', last_heartbeat = now(), version = version + 1"
                        + " where not picked");
            }
            Instant restarted = Instant.now();
            try (ConfigurableApplicationContext second = Services.start(dataDir, "--casey.config-file=" + config)) {
                Api api = Services.api(second);
                await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/case/" + uuid).at("/status").equals("closed"));
                assertThat(Duration.between(restarted, Instant.now())).isLessThan(Duration.ofSeconds(60));
            }
        }
    }

    private static boolean closedMail(MailServers mail, String address, String reference) {
        return mail.receivedBy(address).stream().anyMatch(m -> Mails.header(m, "Subject").contains(reference)
                && Mails.text(m).contains("no activity for 4s"));
    }

    private static String closedMailText(MailServers mail, String address, String reference) {
        return mail.receivedBy(address).stream().filter(m -> Mails.header(m, "Subject").contains(reference))
                .map(Mails::text).filter(text -> text.contains("no activity for 4s")).findFirst().orElseThrow();
    }

    private static void sleepUntil(Instant moment) throws InterruptedException {
        long millis = Duration.between(Instant.now(), moment).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }
}
