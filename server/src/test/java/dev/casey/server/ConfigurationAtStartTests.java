package dev.casey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import dev.casey.api.settings.Settings;
import dev.casey.api.settings.SettingsChangedEvent;
import dev.casey.server.settings.ConfigurationFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Configuration values this version refuses, met where no request can refuse them: in the configuration file, the
 * start stops and says why; in the event store (an older version accepted them), they are left out and the service
 * goes on with what was in force before them.
 */
class ConfigurationAtStartTests {

    @Test
    void aStoredValueThisVersionRefusesIsLeftOut_whenItArrivesAndAfterARestart() throws Exception {
        Path dataDir = Files.createTempDirectory("casey-stored-config-");
        try (ConfigurableApplicationContext first = Services.start(dataDir)) {
            Api api = Services.api(first);
            assertThat(api.post("/config", "[{\"mailSyncTimer\": 120}, {\"caseConfirmUrl\": "
                    + "\"https://support.example.com/confirm/%code%\"}]").status()).isEqualTo(200);
            storedByAnOlderVersion(first, Map.of("requestMaxBytes", 0, "mainDomain", "bad domain!",
                    "mailSyncTimer", 0, "caseConfirmUrl", ""));
            assertThat(api.openCase("Older", "older@other.tld", "Arrived", "while running").status()).isEqualTo(201);
            JsonNode config = api.get("/config").json();
            assertThat(config.get("mailSyncTimer").asInt()).as("the default, not the value the change replaced")
                    .isEqualTo(60);
            assertThat(config.get("caseConfirmUrl").isNull()).as("blank has always meant not set").isTrue();
            // the changes after it are taken in as ever
            assertThat(api.post("/config", "[{\"caseCloseIdle\": \"12h\"}]").at("/caseCloseIdle")).isEqualTo("12h");
        }
        try (ConfigurableApplicationContext second = Services.start(dataDir)) {
            Api api = Services.api(second);
            JsonNode config = api.get("/config").json();
            assertThat(config.get("requestMaxBytes").asLong()).isEqualTo(10 * 1024 * 1024);
            assertThat(config.get("mainDomain").isNull()).isTrue();
            assertThat(config.get("mailSyncTimer").asInt()).isEqualTo(60);
            assertThat(config.get("caseCloseIdle").asString()).isEqualTo("12h");
            assertThat(api.openCase("Older", "older@other.tld", "Restarted", "after the restart").status()).isEqualTo(201);
        }
    }

    /**
     * A token list without an admin token, stored by an older version, is what the operator chose then (revoking the
     * admin token, say): it stays in force, here and after a restart. Only a change made now must keep an admin token.
     */
    @Test
    void aTokenListAnOlderVersionStoredWithoutAnAdminTokenStaysInForce() throws Exception {
        Path dataDir = Files.createTempDirectory("casey-stored-tokens-");
        String admin = "ops-admin-token-0123456789";
        String cases = "front-cases-token-0123456789";
        try (ConfigurableApplicationContext first = Services.start(dataDir)) {
            Api api = Services.api(first);
            assertThat(api.post("/config", """
                    [{"apiTokens": [{"name": "ops", "token": "%s", "scopes": ["admin"]},
                                    {"name": "front", "token": "%s", "scopes": ["cases"]}]}]""".formatted(admin, cases))
                    .status()).isEqualTo(200);
            storedByAnOlderVersion(first, Map.of("apiTokens", List.of(Map.of("name", "front", "token", cases,
                    "scopes", List.of("cases")))));
            assertThat(api.withToken(admin).get("/config").status()).as("revoked").isEqualTo(401);
            assertThat(api.withToken(cases).get("/cases").status()).isEqualTo(200);
        }
        try (ConfigurableApplicationContext second = Services.start(dataDir)) {
            Api api = Services.api(second);
            assertThat(api.withToken(admin).get("/config").status()).as("still revoked").isEqualTo(401);
            assertThat(api.withToken(cases).get("/cases").status()).isEqualTo(200);
        }
    }

    @Test
    void aConfigurationFileWithARefusedValueStopsTheStartNamingTheFileAndTheKey() throws Exception {
        Path config = Files.createTempDirectory("casey-bad-config-").resolve("casey.json");
        Files.writeString(config, "{\"mailAddress\": \"support@example.com\", \"requestMaxBytes\": 1000}");
        String refusal = "The configuration file " + config + " is not valid: "
                + "requestMaxBytes must be a number of bytes from 65536 (64 KiB)";
        assertThatThrownBy(() -> Services.start(Files.createTempDirectory("casey-bad-config-data-"),
                "--casey.config-file=" + config).close()).hasStackTraceContaining(refusal);
        // with the embedded mail server of a first try-out, which reads the file before anything else does
        assertThatThrownBy(() -> Services.start(Files.createTempDirectory("casey-bad-config-data-"),
                "--casey.config-file=" + config, "--casey.dev-mail=auto").close()).hasStackTraceContaining(refusal);
    }

    /** A file an older version started with may hold several values this one refuses: one failed start names them all. */
    @Test
    void aConfigurationFileWithSeveralRefusedValuesStopsTheStartNamingEveryOne() throws Exception {
        Path config = Files.createTempDirectory("casey-bad-config-").resolve("casey.json");
        Files.writeString(config, """
                {"mailRateLimit": 0, "mailSyncTimer": 120, "mailSubjectPrefix": "%s",
                 "caseConfirmUrl": "casey.example/confirm/%%code%%", "mailAddress": "support@example.com"}"""
                .formatted("P".repeat(70)));
        Throwable failure = catchThrowable(() -> Services.start(Files.createTempDirectory("casey-bad-config-data-"),
                "--casey.config-file=" + config).close());
        ConfigurationFileException refused = cause(failure, ConfigurationFileException.class);
        assertThat(refused).as("stopped by the file").isNotNull();
        assertThat(refused.getMessage()).startsWith("The configuration file " + config + " is not valid: ")
                .containsSubsequence("mailRateLimit must be", "; mailSubjectPrefix must be at most 64 characters",
                        "; caseConfirmUrl must be an absolute http or https URL")
                .doesNotContain("mailSyncTimer").doesNotContain("mailAddress");
        assertThat(refused.action()).startsWith("Correct those values in " + config);
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    @Test
    void aConfigurationFileNamedThatDoesNotExistStopsTheStartNamingIt() throws Exception {
        Path missing = Files.createTempDirectory("casey-missing-config-").resolve("casey.json");
        String refusal = "The configuration file " + missing + " does not exist";
        assertThatThrownBy(() -> Services.start(Files.createTempDirectory("casey-missing-config-data-"),
                "--casey.config-file=" + missing).close()).hasStackTraceContaining(refusal);
        assertThatThrownBy(() -> Services.start(Files.createTempDirectory("casey-missing-config-data-"),
                "--casey.config-file=" + missing, "--casey.dev-mail=auto").close()).hasStackTraceContaining(refusal);
        assertThat(missing).as("nothing creates it in passing").doesNotExist();
    }

    /**
     * The reason is what the start ends with, not a "Caused by" a hundred lines up (or, in JSON, inside a stack trace):
     * caseyd in a JVM of its own, as an operator starts it.
     */
    @Test
    void aStartStoppedByTheConfigurationFileEndsWithTheReasonAndWhatToDo() throws Exception {
        Path dir = Files.createTempDirectory("casey-failed-start-");
        Path missing = dir.resolve("missing.json");
        Run plain = caseyd(dir, Map.of(), "--config", missing.toString());
        assertThat(plain.exitValue()).as(plain.output()).isNotZero();
        assertThat(plain.output()).containsSubsequence("APPLICATION FAILED TO START", "Description:",
                "The configuration file " + missing + " does not exist", "Action:", "Create " + missing);

        Path invalid = Files.writeString(dir.resolve("casey.json"), "{\"mailSyncTimer\": 0}");
        Run json = caseyd(dir, Map.of("CASEY_LOG_FORMAT", "json"), "--config", invalid.toString());
        assertThat(json.exitValue()).as(json.output()).isNotZero();
        List<String> lines = json.output().lines().filter(line -> line.startsWith("{")).toList();
        JsonNode last = JsonMapper.builder().build().readTree(lines.get(lines.size() - 1));
        assertThat(last.at("/log/level").asString()).isEqualTo("ERROR");
        assertThat(last.get("message").asString()).contains("APPLICATION FAILED TO START")
                .contains("The configuration file " + invalid + " is not valid: mailSyncTimer must be")
                .contains("Correct that value in " + invalid);
    }

    private record Run(int exitValue, String output) {
    }

    /** caseyd in a JVM of its own, as an operator starts it, until it stops. */
    private static Run caseyd(Path dir, Map<String, String> environment, String... arguments) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Daxoniq.update-checker.disabled=true", CaseyApplication.class.getName(),
                "--casey.data-dir=" + dir.resolve("data"), "--server.port=0", "--spring.profiles.active=test"));
        command.addAll(List.of(arguments));
        Path output = dir.resolve("output-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("caseyd stops by itself").isTrue();
            return new Run(process.exitValue(), Files.readString(output));
        } finally {
            process.destroyForcibly();
        }
    }

    /** Appends a change as an older version did, past the checks of today's configuration aggregate. */
    private static void storedByAnOlderVersion(ConfigurableApplicationContext context, Map<String, Object> changes) {
        EventStore events = context.getBean(EventStore.class);
        long next = events.lastSequenceNumberFor(Settings.ID).map(last -> last + 1).orElse(0L);
        events.publish(new GenericDomainEventMessage<>("CaseyConfiguration", Settings.ID, next,
                new SettingsChangedEvent(Settings.ID, changes, Actor.apiClient("older-version"), Source.HTTP)));
    }
}
