package dev.casey.server;

import static dev.casey.server.CaseyServiceTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casey.server.Api.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Bearer tokens and scopes, with the tokens in a configuration file given at start. */
class AuthenticationTests extends ServiceTest {

    static final String CASES_TOKEN = "cases-token-0123456789";
    static final String ADMIN_TOKEN = "admin-token-0123456789";
    static final Path CONFIG = configFile();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casey.data-dir", () -> newDataDir("auth").toString());
        registry.add("casey.config-file", CONFIG::toString);
    }

    static Path configFile() {
        try {
            Path file = Files.createTempDirectory("casey-auth-config").resolve("casey.json");
            Files.writeString(file, """
                    {
                      "apiTokens": [
                        {"name": "frontend", "token": "%s", "scopes": ["cases"]},
                        {"name": "ops", "token": "%s", "scopes": ["cases", "admin"]}
                      ],
                      "smtpPassword": "very-secret-password",
                      "mailSubjectPrefix": "Acme"
                    }""".formatted(CASES_TOKEN, ADMIN_TOKEN));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void withoutAValidTokenEveryRequestIs401() {
        Response none = new Api(port).get("/cases");
        assertProblem(none, 401, "UNAUTHENTICATED", null);
        assertProblem(new Api(port, "wrong-token-0123456789").get("/cases"), 401, "UNAUTHENTICATED", null);
        assertProblem(new Api(port, CASES_TOKEN + "x").openCase("A", "a@b.cd", "s", "m"), 401, "UNAUTHENTICATED", null);
        assertThat(new Api(port, CASES_TOKEN).get("/cases").status()).isEqualTo(200);
    }

    @Test
    void configurationNeedsTheAdminScope() {
        assertProblem(new Api(port, CASES_TOKEN).get("/config"), 403, "FORBIDDEN", null);
        assertProblem(new Api(port, CASES_TOKEN).post("/config", "[{\"mailSyncTimer\": 30}]"), 403, "FORBIDDEN", null);
        assertThat(new Api(port, ADMIN_TOKEN).get("/config").status()).isEqualTo(200);
    }

    @Test
    void noSpellingOfAPathReachesItWithLessThanItsScope() {
        Api cases = new Api(port, CASES_TOKEN);
        for (String path : List.of("/config;x", "/%63onfig", "/config;x/", "//config", "/./config", "/cases/../config",
                "/CONFIG", "/mail;x/outbox", "/%6dail/outbox", "/mail/%6futbox", "/admin;x/read-models/rebuild",
                "/%61dmin/read-models/rebuild", "/mail;x/inbound?outcome=quarantined")) {
            Response answer = cases.get(path);
            assertThat(answer.status()).as(path).isIn(400, 403, 404);
            assertThat(answer.text()).as(path).doesNotContain("mailSubjectPrefix", "\"mails\"");
        }
        String tokens = "[{\"apiTokens\": [{\"name\": \"attacker\", \"token\": \"attacker-token-0123456789\", "
                + "\"scopes\": [\"admin\"]}]}]";
        assertProblem(cases.post("/config;x", tokens), 403, "FORBIDDEN", null);
        assertProblem(cases.post("/%63onfig", tokens), 403, "FORBIDDEN", null);
        assertProblem(new Api(port, "attacker-token-0123456789").get("/config"), 401, "UNAUTHENTICATED", null);
        assertProblem(cases.post("/%6dail/inbound", "{\"from\": \"x@evil.tld\", \"subject\": \"s\", "
                + "\"message\": \"m\"}"), 403, "FORBIDDEN", null);
    }

    @Test
    void secretsNeverLeaveTheService() {
        Response config = new Api(port, ADMIN_TOKEN).get("/config");
        assertThat(config.text()).doesNotContain("very-secret-password", CASES_TOKEN, ADMIN_TOKEN);
        JsonNode json = config.json();
        assertThat(json.get("smtpPassword").asString()).isEqualTo("********");
        assertThat(json.get("imapPassword").isNull()).isTrue();
        assertThat(json.get("apiTokens").get(0).get("name").asString()).isEqualTo("frontend");
        assertThat(json.get("apiTokens").get(0).has("token")).isFalse();
        assertThat(json.get("mailSubjectPrefix").asString()).isEqualTo("Acme");
    }

    @Test
    void tokenListsWithoutAnAdminTokenOrWithANullScopeAreRefused_soTheConfigurationStaysReachable() {
        Api ops = new Api(port, ADMIN_TOKEN);
        Response refused = ops.post("/config", """
                [{"apiTokens": [{"name": "front", "token": "%s", "scopes": ["cases"]}]}]""".formatted(CASES_TOKEN));
        assertProblem(refused, 400, "INVALID_VALUE", "apiTokens");
        assertThat(refused.at("/detail")).contains("admin scope");
        assertProblem(ops.post("/config", """
                [{"apiTokens": [{"name": "a", "token": "0123456789abcdefXX", "scopes": [null]}]}]"""),
                400, "INVALID_VALUE", "apiTokens");
        // an empty list has no admin token either: it would switch authentication off
        Response emptied = ops.post("/config", "[{\"apiTokens\": []}]");
        assertProblem(emptied, 400, "INVALID_VALUE", "apiTokens");
        assertThat(emptied.at("/detail")).contains("admin scope");
        assertProblem(new Api(port).get("/config"), 401, "UNAUTHENTICATED", null);
        assertThat(ops.get("/config").json().get("apiTokens").toString()).contains("\"admin\"");
        assertThat(ops.post("/config", "[{\"mailSyncTimer\": null}]").status()).isEqualTo(200);
    }

    @Test
    void withdrawingRuntimeTokensIsRefusedWhenTheFileHasNoAdminToken() {
        try (ConfigurableApplicationContext noFile = Services.start(newDataDir("auth-withdraw"))) {
            Api loopback = Services.api(noFile);
            assertThat(loopback.post("/config", """
                    [{"apiTokens": [{"name": "ops", "token": "%s", "scopes": ["admin"]}]}]""".formatted(ADMIN_TOKEN))
                    .status()).isEqualTo(200);
            Api ops = new Api(Services.port(noFile), ADMIN_TOKEN);
            Response refused = ops.post("/config", "[{\"apiTokens\": null}]");
            assertProblem(refused, 400, "INVALID_VALUE", "apiTokens");
            assertThat(refused.at("/detail")).contains("admin scope");
            assertProblem(loopback.get("/config"), 401, "UNAUTHENTICATED", null);
            assertThat(ops.get("/config").status()).isEqualTo(200);
        }
    }

    @Test
    void withdrawingARuntimeChangeRestoresTheFilesValue() {
        Api ops = new Api(port, ADMIN_TOKEN);
        assertThat(ops.post("/config", "[{\"mailSubjectPrefix\": \"Other\"}]").at("/mailSubjectPrefix")).isEqualTo("Other");
        assertThat(ops.post("/config", "[{\"mailSubjectPrefix\": null}]").at("/mailSubjectPrefix")).isEqualTo("Acme");
    }

    @Test
    void theActorOfAChangeIsTheTokensName() {
        Api frontend = new Api(port, CASES_TOKEN);
        String uuid = frontend.openCase("A", "actor@other.tld", "Who did it", "me").at("/uuid");
        JsonNode first = frontend.get("/case/" + uuid + "/history").json().get("events").get(0);
        assertThat(first.get("actor").get("name").asString()).isEqualTo("frontend");
    }

    @Test
    void tokensChangedAtRuntimeApplyAtOnceAndCommitWritesTheFile() throws Exception {
        Api ops = new Api(port, ADMIN_TOKEN);
        String added = """
                [{"apiTokens": [
                   {"name": "frontend", "token": "%s", "scopes": ["cases"]},
                   {"name": "ops", "token": "%s", "scopes": ["cases", "admin"]},
                   {"name": "relay", "token": "relay-token-0123456789", "scopes": ["mail"]}]}]"""
                .formatted(CASES_TOKEN, ADMIN_TOKEN);
        assertThat(ops.post("/config", added).status()).isEqualTo(200);
        Api relay = new Api(port, "relay-token-0123456789");
        assertProblem(relay.get("/cases"), 403, "FORBIDDEN", null);

        assertThat(ops.post("/config/commit").status()).isEqualTo(200);
        // tokens are kept as their digests, in the event store and in the file; they go on working
        String relayDigest = "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest
                .getInstance("SHA-256").digest("relay-token-0123456789".getBytes(StandardCharsets.UTF_8)));
        assertThat(Files.readString(CONFIG)).contains(relayDigest, "very-secret-password", "Acme")
                .doesNotContain("relay-token-0123456789");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE position('relay-token-0123456789'"
                + " IN convert_from(payload, 'UTF8')) > 0", Long.class)).isZero();
        JsonNode history = Api.JSON.readTree(Files.readString(CONFIG));
        assertThat(history.get("apiTokens")).hasSize(3);
        assertProblem(relay.get("/cases"), 403, "FORBIDDEN", null);
        assertProblem(new Api(port, relayDigest).get("/cases"), 401, "UNAUTHENTICATED", null);
    }
}
