package dev.casey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Mail queued when the service stops goes out after the restart, once. */
class MailRestartTests {

    @Test
    void mailsQueuedBeforeARestartAreSentAfterItExactlyOnce() throws Exception {
        Path dataDir = Files.createTempDirectory("casey-mail-restart-");
        try (MailServers mail = new MailServers()) {
            Path config = MailConversationTests.configFile(mail.config(""));
            mail.stopOutside();
            String reference;
            try (ConfigurableApplicationContext first = Services.start(dataDir, "--casey.config-file=" + config)) {
                Api api = Services.api(first);
                api.person("Ben Foo", "ben@team.test", true);
                reference = api.openCase("Waiting", "waiting@example.org", "Queued", "before the restart").at("/reference");
                // both mails are in the outbox and have failed at least once
                await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/mail/outbox").json().get("mails").size() == 2);
            }
            mail.startOutside();
            try (ConfigurableApplicationContext second = Services.start(dataDir, "--casey.config-file=" + config)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> mail.receivedBy("waiting@example.org").size() == 1
                        && mail.receivedBy("ben@team.test").size() == 1);
                await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
                assertThat(mail.receivedBy("waiting@example.org")).hasSize(1);
                assertThat(mail.receivedBy("ben@team.test")).hasSize(1);
                assertThat(Mails.header(mail.receivedBy("waiting@example.org").get(0), "Subject")).contains(reference);
                assertThat(Services.api(second).get("/mail/outbox").json().get("mails")).isEmpty();
            }
        }
    }
}
