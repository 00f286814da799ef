package dev.casey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.Scheduler;
import dev.casey.api.supportcase.CaseOpenedEvent;
import dev.casey.server.Api.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * What the people who run Casey look at, on the running service with real SMTP and IMAP servers:
 * the API description and Swagger UI, /actuator/health, /actuator/prometheus. API tokens are
 * configured, so the API itself answers 401 without one while these paths must not.
 */
@Import(OperationsTests.StreamingProcessor.class)
class OperationsTests extends ServiceTest {

    static final MailServers MAIL = new MailServers();
    static final String ADMIN_TOKEN = "operations-admin-token-" + UUID.randomUUID();
    static final String STREAMING_PROCESSOR = "operations-probe";
    static final Duration PATIENCE = Duration.ofSeconds(30);
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casey.data-dir", () -> newDataDir("operations").toString());
        registry.add("casey.config-file", () -> configFile(MAIL.config("""
                "apiTokens": [{"name": "operator", "token": "%s", "scopes": ["admin"]}]""".formatted(ADMIN_TOKEN))));
        registry.add("casey.outbox.first-retry", () -> "200ms");
        // every health request probes SMTP afresh, and a mail is overdue after 2 s instead of 15 min
        registry.add("casey.health.smtp-probe-reuse", () -> "0s");
        registry.add("casey.health.outbox-max-age", () -> "2s");
        registry.add("casey.health.timer-max-delay", () -> "2s");
        // Casey's own processors all subscribe; this one streams, so that lag can be seen
        registry.add("axon.eventhandling.processors." + STREAMING_PROCESSOR + ".mode", () -> "pooled");
    }

    /** A streaming (pooled) event processor, only in this test (imported: the base class names the configuration). */
    @TestConfiguration(proxyBeanMethods = false)
    static class StreamingProcessor {
        @Bean
        CaseCounter caseCounter() {
            return new CaseCounter();
        }
    }

    @ProcessingGroup(STREAMING_PROCESSOR)
    static class CaseCounter {
        final AtomicInteger opened = new AtomicInteger();

        @EventHandler
        void on(CaseOpenedEvent event) {
            opened.incrementAndGet();
        }
    }

    @AfterAll
    static void stopMail() {
        MAIL.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;
    @Autowired
    CaseCounter caseCounter;
    @Autowired
    Scheduler timerScheduler;

    Api api() {
        return new Api(port, ADMIN_TOKEN);
    }

    /** GET on the service root, without a token. */
    Response open(String path) {
        return new Api(port).send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET());
    }

    @Test
    void theApiDescriptionNamesEveryEndpointWithASummaryAndItsProblemAnswers_withoutAToken() {
        assertThat(api().withToken(null).get("/cases").status()).isEqualTo(401);
        Response docs = open("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        JsonNode api = docs.json();

        assertThat(api.at("/info/title").asString()).isEqualTo("Casey");
        assertThat(api.at("/info/version").asString()).isNotBlank();
        assertThat(api.at("/info/description").asString()).contains("/api/casey/v1");
        assertThat(api.at("/components/securitySchemes/bearerToken/scheme").asString()).isEqualTo("bearer");
        assertThat(api.at("/security/0/bearerToken").isArray()).isTrue();
        assertThat(api.at("/components/schemas/Problem/properties/code").isObject()).isTrue();

        Set<String> served = new TreeSet<>();
        for (RequestMappingInfo mapping : mappings.getHandlerMethods().keySet()) {
            for (String path : mapping.getPathPatternsCondition().getPatternValues()) {
                if (path.startsWith("/api/casey/v1/")) {
                    mapping.getMethodsCondition().getMethods().forEach(method -> served.add(method.name() + " " + path));
                }
            }
        }
        assertThat(served).hasSizeGreaterThanOrEqualTo(20);
        Set<String> documented = new TreeSet<>();
        api.get("paths").properties().forEach(path -> path.getValue().properties().forEach(operation ->
                documented.add(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey())));
        assertThat(documented).as("every endpoint of the API is described").containsAll(served);

        api.get("paths").properties().forEach(path -> path.getValue().properties().forEach(entry -> {
            String operation = entry.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
            JsonNode op = entry.getValue();
            assertThat(op.path("summary").asString("")).as("summary of %s (ApiDocumentation.SUMMARIES)", operation)
                    .isNotBlank();
            for (String status : List.of("400", "401", "403", "503", "default")) {
                assertThat(op.at("/responses/" + status + "/content/application~1problem+json/schema/$ref").asString(""))
                        .as("%s answers %s as problem+json", operation, status)
                        .isEqualTo("#/components/schemas/Problem");
            }
        }));
        assertThat(api.at("/paths/~1api~1casey~1v1~1cases/post/responses/201/content/application~1json/schema/properties")
                .propertyNames()).contains("uuid", "reference", "status");
        assertThat(api.at("/paths/~1api~1casey~1v1~1confirm~1{code}/post/responses/410").isObject()).isTrue();
        assertThat(api.at("/paths/~1api~1casey~1v1~1admin~1read-models~1rebuild/post/responses/202").isObject()).isTrue();
        assertThat(api.at("/paths/~1api~1casey~1v1~1case~1{uuid}/patch/responses/412").isObject()).isTrue();
        assertThat(api.at("/paths/~1api~1casey~1v1~1cases/post/responses/422/description").asString())
                .contains("IDEMPOTENCY_KEY_REUSED");
        assertThat(api.at("/paths/~1api~1casey~1v1~1case~1{uuid}~1messages/post/responses/422/description").asString())
                .contains("IDEMPOTENCY_KEY_REUSED");
        assertThat(api.at("/paths/~1api~1casey~1v1~1case~1{uuid}/get/responses/404/description").asString())
                .isNotBlank();
    }

    @Test
    void theApiDescriptionGivesTheValuesAndHeadersTheApiAnswersWith() {
        String uuid = api().openCase("Enum Reader", "enum-reader@example.org", "Enums", "Which case?").at("/uuid");
        Response kase = api().get("/case/" + uuid);
        JsonNode history = api().get("/case/" + uuid + "/history").json();
        JsonNode schemas = open("/v3/api-docs").json().get("components").get("schemas");

        assertThat(enumOf(schemas, "CaseView", "status")).contains(kase.at("/status")).doesNotContain("OPEN");
        assertThat(enumOf(schemas, "CaseSummary", "status")).contains("open", "closed", "pending", "expired");
        assertThat(enumOf(schemas, "MessageView", "source")).contains(kase.at("/messages/0/source"));
        assertThat(enumOf(schemas, "CaseHistoryEntry", "source")).contains(history.at("/events/0/source").asString());
        assertThat(enumOf(schemas, "Actor", "kind")).contains(history.at("/events/0/actor/kind").asString());

        JsonNode paths = open("/v3/api-docs").json().get("paths");
        assertThat(kase.etag()).isNotBlank();
        assertThat(paths.at("/~1api~1casey~1v1~1case~1{uuid}/get/responses/200/headers/ETag").isObject()).isTrue();
        assertThat(paths.at("/~1api~1casey~1v1~1cases/post/responses/201/headers/Location").isObject()).isTrue();
        JsonNode retry = paths.at("/~1api~1casey~1v1~1mail~1inbound~1{id}~1retry/post/responses");
        assertThat(retry.propertyNames()).as("answered as POST /mail/inbound").contains("200", "201", "422");
        assertThat(schemas.at("/Problem/properties/mail/format").asString()).isEqualTo("uuid");
    }

    private static List<String> enumOf(JsonNode schemas, String schema, String property) {
        List<String> values = new java.util.ArrayList<>();
        schemas.at("/" + schema + "/properties/" + property + "/enum").forEach(value -> values.add(value.asString()));
        return values;
    }

    @Test
    void swaggerUiIsServedWithoutAToken() {
        Response ui = open("/swagger-ui/index.html");
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.text()).contains("swagger-ui");
        assertThat(open("/swagger-ui.html").status()).as("redirects to the UI, not to a login").isIn(200, 302);
    }

    @Test
    void swaggerUiRendersTheOperationsInABrowser() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "Skipped: no /usr/bin/chromium (Debian package chromium; .ci/run installs it)");
        // the first request builds the description; the browser's time budget should go to rendering
        assertThat(open("/v3/api-docs").status()).isEqualTo(200);
        Path profile = Files.createTempDirectory("casey-chromium-");
        Path dom = Files.createTempFile("casey-swagger-ui-", ".html");
        try {
            Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                    "--virtual-time-budget=10000", "--dump-dom", "http://127.0.0.1:" + port + "/swagger-ui/index.html")
                    .redirectOutput(dom.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!chromium.waitFor(90, TimeUnit.SECONDS)) {
                chromium.destroyForcibly();
                throw new AssertionError("Chromium did not finish within 90 s");
            }
            String page = Files.readString(dom, StandardCharsets.UTF_8);
            // written by Swagger UI's JavaScript from /v3/api-docs, not present in the served HTML
            assertThat(page).contains("data-path=\"/api/casey/v1/cases\"")
                    .contains("data-path=\"/api/casey/v1/case/{uuid}/history\"")
                    .contains("Open a case")
                    .contains("Every event of a case, in order");
        } finally {
            deleteTree(profile);
            Files.deleteIfExists(dom);
        }
    }

    @Test
    void healthShowsDatabaseMailOutboxAndEventProcessors_withoutAToken() {
        await().atMost(PATIENCE).untilAsserted(() -> {
            Response health = open("/actuator/health");
            assertThat(health.status()).as(health.text()).isEqualTo(200);
            JsonNode components = health.json().get("components");
            for (String component : List.of("db", "smtp", "imap", "outbox", "timers", "eventProcessors")) {
                assertThat(components.at("/" + component + "/status").asString()).as(component).isEqualTo("UP");
            }
            assertThat(components.at("/imap/details/role").asString()).isEqualTo("leader");
            assertThat(components.at("/imap/details/lastSuccessfulCycle").asString()).isNotBlank();
        });
        JsonNode health = open("/actuator/health").json().get("components");
        assertThat(health.at("/smtp/details/latencyMs").isNumber()).isTrue();
        assertThat(health.at("/outbox/details/queued").isNumber()).isTrue();
        assertThat(health.at("/eventProcessors/details/case-view/type").asString()).isEqualTo("subscribing");
        assertThat(health.at("/eventProcessors/details/" + STREAMING_PROCESSOR + "/type").asString()).isEqualTo("pooled");
        assertThat(health.at("/eventProcessors/details/" + STREAMING_PROCESSOR + "/lag").isNumber()).isTrue();
        assertThat(health.toString()).doesNotContain(MailServers.SUPPORT_PASSWORD).doesNotContain(ADMIN_TOKEN);

        assertThat(open("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(open("/actuator/health/readiness").status()).isEqualTo(200);
    }

    @Test
    void aTimerNoInstancePicksUpTurnsTimersDown_untilTimersFireAgain() {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(open("/actuator/health").json()
                .at("/components/timers/status").asString()).isEqualTo("UP"));
        timerScheduler.pause();
        try {
            api().post("/config", "[{\"caseConfirmation\": true}, {\"caseConfirmationExpiry\": \"1s\"}]");
            api().openCase("Late Customer", "late@example.org", "Waiting", "for a timer that does not fire");
            await().atMost(PATIENCE).untilAsserted(() -> {
                JsonNode timers = open("/actuator/health").json().at("/components/timers");
                assertThat(timers.at("/status").asString()).as(timers.toString()).isEqualTo("DOWN");
                assertThat(timers.at("/details/overdue").asLong()).isPositive();
            });
            assertThat(open("/actuator/health/readiness").status()).isEqualTo(200);
        } finally {
            timerScheduler.resume();
            api().post("/config", "[{\"caseConfirmation\": null}, {\"caseConfirmationExpiry\": null}]");
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(open("/actuator/health").json()
                .at("/components/timers/status").asString()).isEqualTo("UP"));
    }

    @Test
    void whileTheSmtpServerIsAway_smtpIsDownAndTheWaitingMailTurnsTheOutboxDown_butTheServiceStaysReady() {
        MAIL.stopOutside();
        try {
            api().openCase("Waiting Customer", "waiting@example.org", "Anyone there?", "Mail is down.");
            await().atMost(PATIENCE).untilAsserted(() -> {
                Response health = open("/actuator/health");
                assertThat(health.status()).isEqualTo(503);
                JsonNode components = health.json().get("components");
                assertThat(components.at("/smtp/status").asString()).isEqualTo("DOWN");
                assertThat(components.at("/smtp/details/error").asString()).isNotBlank();
                assertThat(components.at("/outbox/status").asString()).isEqualTo("DOWN");
                assertThat(components.at("/outbox/details/queued").asLong()).isPositive();
                assertThat(components.at("/db/status").asString()).isEqualTo("UP");
            });
            assertThat(open("/actuator/health/readiness").status()).as("the API still takes cases").isEqualTo(200);
        } finally {
            MAIL.startOutside();
        }
        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonNode components = open("/actuator/health").json().get("components");
            assertThat(components.at("/smtp/status").asString()).isEqualTo("UP");
            assertThat(components.at("/outbox/status").asString()).isEqualTo("UP");
        });
    }

    @Test
    void prometheusCountsMailImapHttpAndProcessorLag() {
        int countedBefore = caseCounter.opened.get();
        assertThat(api().openCase("Metric Customer", "metric@example.org", "Counting", "Count me").status())
                .isEqualTo(201);
        MAIL.sendToSupport("""
                From: Mail Customer <mail.customer@example.org>
                To: %s
                Subject: Counted by mail
                Message-ID: <operations-metrics-%s@example.org>

                Please count this one.
                """.formatted(MailServers.SUPPORT, UUID.randomUUID()));

        await().atMost(PATIENCE).untilAsserted(() -> {
            Response scrape = open("/actuator/prometheus");
            assertThat(scrape.status()).isEqualTo(200);
            String text = scrape.text();
            assertThat(value(text, "casey_mail_sent_total")).isGreaterThanOrEqualTo(1);
            assertThat(value(text, "casey_mail_inbound_total", "outcome=\"opened\"")).isGreaterThanOrEqualTo(1);
            assertThat(value(text, "casey_imap_messages_total", "result=\"processed\"")).isGreaterThanOrEqualTo(1);
            assertThat(value(text, "casey_imap_leader")).isEqualTo(1);
            assertThat(value(text, "casey_imap_connected")).isEqualTo(1);
            assertThat(value(text, "casey_imap_last_successful_cycle_timestamp_seconds"))
                    .isGreaterThan(System.currentTimeMillis() / 1000.0 - 600);
            assertThat(caseCounter.opened.get()).as("the streaming processor handled both new cases")
                    .isGreaterThanOrEqualTo(countedBefore + 2);
            assertThat(value(text, "casey_event_processor_lag", "processor=\"" + STREAMING_PROCESSOR + "\""))
                    .isEqualTo(0);
        });
        String text = open("/actuator/prometheus").text();
        assertThat(value(text, "casey_mail_failed_total")).isGreaterThanOrEqualTo(0);
        assertThat(value(text, "casey_mail_outbox_queued")).isGreaterThanOrEqualTo(0);
        assertThat(value(text, "casey_mail_outbox_oldest_age_seconds")).isGreaterThanOrEqualTo(0);
        assertThat(value(text, "casey_mail_inbound_total", "outcome=\"quarantined\"")).isGreaterThanOrEqualTo(0);
        assertThat(value(text, "casey_imap_messages_total", "result=\"quarantined\"")).isGreaterThanOrEqualTo(0);
        assertThat(value(text, "casey_imap_failures_total")).isGreaterThanOrEqualTo(0);
        assertThat(value(text, "http_server_requests_seconds_count", "method=\"POST\"", "status=\"201\"",
                "uri=\"/api/casey/v1/cases\"")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aBadlyEncodedQueryIsABadRequest_notAServerError() throws IOException {
        for (String target : List.of("/actuator/health?x=%ZZ", "/actuator/prometheus?includedNames=%ZZ",
                "/v3/api-docs?group=%ZZ", "/api/casey/v1/cases?q=%ZZ")) {
            String answer = rawGet(target);
            assertThat(answer).as(target).matches("(?s)HTTP/1.1 (200|400) .*");
            if (answer.startsWith("HTTP/1.1 400")) {
                assertThat(answer).as(target).contains("application/problem+json").contains("MALFORMED_REQUEST");
            }
        }
        assertThat(rawGet("/api/casey/v1/cases?q=%ZZ")).startsWith("HTTP/1.1 400");
    }

    /** Sent as written: java.net.URI refuses to carry a broken percent-escape, which is the point here. */
    String rawGet(String target) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + ADMIN_TOKEN + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The value of the one sample of this metric carrying all these labels. */
    static double value(String scrape, String metric, String... labels) {
        List<String> samples = scrape.lines()
                .filter(line -> line.startsWith(metric + "{") || line.startsWith(metric + " "))
                .filter(line -> Stream.of(labels).allMatch(line::contains))
                .toList();
        assertThat(samples).as("samples of %s %s", metric, List.of(labels)).hasSize(1);
        String sample = samples.get(0);
        return Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
    }

    static String configFile(String json) {
        try {
            Path file = Files.createTempDirectory("casey-operations-config").resolve("casey.json");
            Files.writeString(file, json);
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
