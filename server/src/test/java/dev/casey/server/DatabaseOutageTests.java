package dev.casey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** PostgreSQL stopped and started under load: 503 while it is away, back by itself, nothing acknowledged lost. */
class DatabaseOutageTests {

    @Test
    void whileTheDatabaseIsAwayRequestsGet503AndTheServiceRecoversByItself() throws Exception {
        Path dataDir = Files.createTempDirectory("casey-outage-db-");
        int port = freePort();
        EmbeddedPostgres database = postgres(dataDir, port);
        String url = "jdbc:postgresql://localhost:" + port + "/postgres";
        try (ConfigurableApplicationContext service = Services.start(Files.createTempDirectory("casey-outage-"),
                "--spring.datasource.url=" + url, "--spring.datasource.username=postgres",
                "--spring.datasource.password=")) {
            Api api = Services.api(service);
            Load load = new Load(api, "outage@example.org", 4);
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> load.acknowledgedCount() >= 20);
                database.close();
                int beforeOutage = load.acknowledgedCount();
                await().atMost(Duration.ofSeconds(30)).until(() -> load.statuses.containsKey(503));
                // the health report still shows every part, the database down, rather than failing whole
                java.net.http.HttpResponse<String> health = java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:"
                                + service.getEnvironment().getProperty("local.server.port") + "/actuator/health"))
                                .timeout(Duration.ofSeconds(30)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(health.body()).contains("\"components\"").contains("\"db\"").contains("\"outbox\"")
                        .doesNotContain("DATABASE_UNAVAILABLE");
                database = postgres(dataDir, port);
                int afterOutage = load.acknowledgedCount();
                await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledgedCount() >= afterOutage + 20);
                System.out.printf("FAULT database-outage: sent=%d acknowledged=%d (before the outage %d) statuses=%s%n",
                        load.sent.get(), load.acknowledgedCount(), beforeOutage, load.statuses);
            } finally {
                load.close();
            }
            assertThat(load.statuses.keySet()).as("answers: %s", load.statuses).isSubsetOf(Set.of(201, 503));
            long found = api.get("/cases?participant=outage@example.org&size=1").json().get("total").asLong();
            for (String uuid : load.acknowledged) {
                assertThat(api.get("/case/" + uuid).status()).isEqualTo(200);
            }
            assertThat(found).isBetween((long) load.acknowledgedCount(), (long) load.sent.get());
            System.out.printf("FAULT database-outage: found=%d of acknowledged=%d%n", found, load.acknowledgedCount());
        } finally {
            database.close();
        }
    }

    @Test
    void whileTheDatabaseIsAwayEachRequestGetsIts503WithinThePoolTimeoutAndHealthSaysSoQuickly() throws Exception {
        Path dataDir = Files.createTempDirectory("casey-outage-db-");
        int port = freePort();
        EmbeddedPostgres database = postgres(dataDir, port);
        // mail servers that refuse connections: their indicators say DOWN, whatever the database does
        int noServer = freePort();
        Path config = MailConversationTests.configFile("""
                {"mailEnable": true, "smtpServer": "127.0.0.1", "smtpPort": %d, "smtpEncryption": "none",
                 "imapServer": "127.0.0.1", "imapPort": %d, "imapEncryption": "none",
                 "imapUsername": "support", "imapPassword": "casey"}""".formatted(noServer, noServer));
        try (ConfigurableApplicationContext service = Services.start(Files.createTempDirectory("casey-outage-"),
                "--spring.datasource.url=jdbc:postgresql://localhost:" + port + "/postgres",
                "--spring.datasource.username=postgres", "--spring.datasource.password=",
                "--casey.config-file=" + config)) {
            Api api = Services.api(service);
            assertThat(api.openCase("Q", "quick@example.org", "Before", "hi").status()).isEqualTo(201);
            database.close();
            // the configuration is due to be read again meanwhile: no request may wait for that
            Thread.sleep(2_500);
            for (String path : List.of("/persons", "/cases", "/persons")) {
                long started = System.nanoTime();
                Api.Response answer = path.equals("/cases") ? api.openCase("Q", "quick@example.org", "During", "hi")
                        : api.get(path);
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertThat(answer.status()).as(answer.text()).isEqualTo(503);
                // the 5 s pool timeout and some slack, a bound rather than a benchmark
                assertThat(took).as(path).isLessThan(Duration.ofSeconds(7));
            }

            long started = System.nanoTime();
            java.net.http.HttpResponse<String> health = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:"
                            + Services.port(service) + "/actuator/health")).timeout(Duration.ofSeconds(30)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            System.out.printf("FAULT database-outage: /actuator/health answered %d in %d ms: %s%n",
                    health.statusCode(), took.toMillis(), health.body());
            assertThat(health.statusCode()).isEqualTo(503);
            // in time for a monitor or a load balancer; each indicator waiting the 5 s pool timeout in turn took 20 s
            assertThat(took).isLessThan(Duration.ofSeconds(6));
            tools.jackson.databind.JsonNode components = Api.JSON
                    .readTree(health.body()).get("components");
            assertThat(components.get("db").get("status").asString()).isEqualTo("DOWN");
            // the mail servers are known from the configuration in force: not "mail off" for want of the database
            assertThat(components.get("smtp").get("status").asString()).as(health.body()).isEqualTo("DOWN");
            assertThat(components.get("imap").get("status").asString()).as(health.body()).isNotEqualTo("UNKNOWN");
        } finally {
            database.close();
        }
    }

    private static EmbeddedPostgres postgres(Path dataDir, int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("synchronous_commit", "on").start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
