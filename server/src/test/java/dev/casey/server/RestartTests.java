package dev.casey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** Data on the embedded default survives a restart, also after the service was killed. */
class RestartTests {

    @Test
    void aRestartedServiceStillHasEveryCase() throws IOException {
        Path dataDir = Files.createTempDirectory("casey-restart-");
        String uuid;
        JsonNode before;
        try (ConfigurableApplicationContext first = Services.start(dataDir)) {
            Api api = Services.api(first);
            api.person("Ben", "ben@domain.tld", true);
            uuid = api.openCase("Some User", "some.user@other.tld", "Survives", "before the restart").at("/uuid");
            api.post("/case/" + uuid + "/messages", "{\"from\": \"ben@domain.tld\", \"message\": \"reply\"}");
            before = api.get("/case/" + uuid).json();
            api.post("/config", "[{\"mailSyncTimer\": 120}]");
        }
        try (ConfigurableApplicationContext second = Services.start(dataDir)) {
            Api api = Services.api(second);
            assertThat(api.get("/case/" + uuid).json()).isEqualTo(before);
            // opened, first message, Ben invited, Ben joins, Ben's reply, Ben's own copy withheld
            assertThat(api.get("/case/" + uuid + "/history").json().get("events")).hasSize(6);
            assertThat(api.post("/persons", "{\"name\": \"Ben\", \"email\": \"ben@domain.tld\", \"team\": true}")
                    .status()).isEqualTo(409);
            assertThat(api.get("/config").json().get("mailSyncTimer").asInt()).isEqualTo(120);
        }
    }

    @Test
    void aServiceKilledUnderLoadRestartsWithEveryAcknowledgedWriteAndNoDuplicate() throws Exception {
        Path dataDir = Files.createTempDirectory("casey-kill-");
        int port = freePort();
        Api api = new Api(port);
        Load load;
        Process service = launch(dataDir, port);
        try {
            awaitUp(api, service);
            load = new Load(api, "killed@other.tld", 4);
            await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledgedCount() >= 40);
        } finally {
            service.destroyForcibly(); // SIGKILL with requests in flight: no shutdown hook, PostgreSQL orphaned
            service.waitFor();
        }
        load.close();
        Process restarted = launch(dataDir, port);
        try {
            awaitUp(api, restarted);
            for (String uuid : load.acknowledged) {
                assertThat(api.get("/case/" + uuid).status()).isEqualTo(200);
            }
            JsonNode found = api.get("/cases?participant=killed@other.tld&size=200").json();
            Set<String> subjects = new HashSet<>();
            found.get("cases").forEach(c -> subjects.add(c.get("subject").asString()));
            long total = found.get("total").asLong();
            System.out.printf("FAULT kill-9: sent=%d acknowledged=%d found=%d distinct=%d statuses=%s%n",
                    load.sent.get(), load.acknowledgedCount(), total, subjects.size(), load.statuses);
            assertThat(total).isBetween((long) load.acknowledgedCount(), (long) load.sent.get());
            assertThat(subjects).hasSize((int) total);
        } finally {
            restarted.destroy();
            restarted.waitFor();
        }
    }

    @Test
    void aSecondServiceOnTheSameDataDirectoryStopsAtOnceAndLeavesTheFirstOneAlone() throws Exception {
        Path dataDir = Files.createTempDirectory("casey-twice-");
        try (ConfigurableApplicationContext first = Services.start(dataDir)) {
            Api api = Services.api(first);
            Process second = launch(dataDir, freePort());
            try {
                assertThat(second.waitFor(90, TimeUnit.SECONDS)).as("the second service stops by itself").isTrue();
            } finally {
                second.destroyForcibly();
            }
            String log;
            try (Stream<Path> logs = Files.list(dataDir).filter(f -> f.getFileName().toString().endsWith(".log"))) {
                log = Files.readString(logs.findFirst().orElseThrow());
            }
            assertThat(second.exitValue()).isNotZero();
            // the reason is what the start ends with, as with a refused configuration file, not a "Caused by" mid-log
            assertThat(log).containsSubsequence("APPLICATION FAILED TO START", "Description:",
                            "Another caseyd (pid " + ProcessHandle.current().pid() + ") uses " + dataDir, "Action:",
                            "Stop the other caseyd")
                    .doesNotContain("shutting it down");
            assertThat(api.openCase("Some User", "some.user@other.tld", "Still here", "after the second start")
                    .status()).isEqualTo(201);
        }
    }

    /** The service in a JVM of its own, so that it can be killed for real. */
    private static Process launch(Path dataDir, int port) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dataDir.resolve("service-" + Instant.now().toEpochMilli() + ".log");
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Daxoniq.update-checker.disabled=true", CaseyApplication.class.getName(),
                "--casey.data-dir=" + dataDir, "--server.port=" + port, "--spring.profiles.active=test",
                // each write is on disk when acknowledged, as in production
                "--casey.embedded-database.synchronous-commit=on")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitUp(Api api, Process process) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            assertThat(process.isAlive()).as("the service process died during start").isTrue();
            try {
                if (api.get("/cases").status() == 200) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                // connection refused while starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the service did not start within 90 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
