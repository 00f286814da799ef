package dev.casey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.casey.api.supportcase.ConfirmCaseByCodeCommand;
import dev.casey.api.supportcase.ConfirmCaseCommand;
import dev.casey.api.supportcase.PostMessageCommand;
import dev.casey.mailgateway.MailSettings;
import dev.casey.query.ReadModelRebuild;
import dev.casey.server.Api.Response;
import dev.casey.server.axon.ConflictRetry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.common.Registration;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.SubscribingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The case service over real HTTP on the embedded PostgreSQL, without API tokens (loopback only). */
class CaseyServiceTests extends ServiceTest {

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("casey.data-dir", () -> newDataDir("service").toString());
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionManager transactionManager;
    @Autowired
    EventStorageEngine storageEngine;
    @Autowired
    EventProcessingConfiguration processing;
    @Autowired
    ReadModelRebuild rebuild;
    @Autowired
    CommandBus commandBus;
    @Autowired
    ConflictRetry conflictRetry;
    @Autowired
    DataSource dataSource;
    @Autowired
    MailSettings mailSettings;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
        api.post("/config", "[{\"caseConfirmation\": false}, {\"caseCanReopen\": true}, {\"requestMaxBytes\": null}]");
    }

    @Test
    void axonRunsOnPostgresWithSpringTransactionsAndSubscribingProjections() {
        assertThat(transactionManager).isInstanceOf(SpringTransactionManager.class);
        assertThat(storageEngine).isInstanceOf(JdbcEventStorageEngine.class);
        assertThat(processing.eventProcessor("case-view")).get().isInstanceOf(SubscribingEventProcessor.class);
        assertThat(processing.eventProcessor("person-directory")).get().isInstanceOf(SubscribingEventProcessor.class);
    }

    @Test
    void theCaseyWalkThrough_createTeamCreateCasePostMessageRetrieveCase() {
        String ben = api.person("Ben Foo", "ben." + unique() + "@domain.tld", true);
        String benEmail = api.get("/persons/" + ben).at("/email");

        Response created = api.post("/cases", """
                {"creator": {"name": "Some User", "email": "some.user@other.tld"},
                 "subject": "I found a bug", "message": "There is a bug over there!",
                 "category": "support", "tags": ["bug"], "meta": {"myPlatformOrderNumber": "4711"}}""");
        assertThat(created.status()).isEqualTo(201);
        String uuid = created.at("/uuid");
        assertThat(created.at("/status")).isEqualTo("open");
        assertThat(created.at("/reference")).matches("[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}");
        assertThat(created.location()).isEqualTo("/api/casey/v1/case/" + uuid);

        Response posted = api.post("/case/" + uuid + "/messages", """
                {"from": "%s", "message": "Hello Some User,\\n\\nWe are excited to hear about the bug. Can you tell us more?"}"""
                .formatted(benEmail));
        assertThat(posted.status()).isEqualTo(201);

        JsonNode view = api.get("/case/" + uuid).json();
        assertThat(view.get("subject").asString()).isEqualTo("I found a bug");
        assertThat(view.get("status").asString()).isEqualTo("open");
        assertThat(view.get("reference").asString()).isEqualTo(created.at("/reference"));
        assertThat(view.get("category").asString()).isEqualTo("support");
        assertThat(view.get("tags").toString()).isEqualTo("[\"bug\"]");
        assertThat(view.get("meta").get("myPlatformOrderNumber").asString()).isEqualTo("4711");
        assertThat(view.get("creator").get("email").asString()).isEqualTo("some.user@other.tld");
        assertThat(view.get("participants")).hasSize(2);
        assertThat(view.get("participants").get(1).get("team").asBoolean()).isTrue();
        JsonNode messages = view.get("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).get("author").get("name").asString()).isEqualTo("Some User");
        assertThat(messages.get(0).get("body").asString()).isEqualTo("There is a bug over there!");
        assertThat(messages.get(0).get("source").asString()).isEqualTo("http");
        assertThat(messages.get(1).get("uuid").asString()).isEqualTo(posted.at("/uuid"));
        assertThat(messages.get(1).get("author").get("email").asString()).isEqualTo(benEmail);
        assertThat(messages.get(1).get("body").asString()).startsWith("Hello Some User,\n\nWe are excited");
        assertThat(Instant.parse(messages.get(1).get("postedAt").asString()))
                .isAfterOrEqualTo(Instant.parse(messages.get(0).get("postedAt").asString()));
    }

    @Test
    void everyWriteIsVisibleToTheNextRead() {
        String uuid = api.openCase("Reader", "reader@other.tld", "Read your writes", "first").at("/uuid");
        for (int i = 0; i < 20; i++) {
            assertThat(api.post("/case/" + uuid + "/messages",
                    "{\"from\": \"reader@other.tld\", \"message\": \"message " + i + "\"}").status()).isEqualTo(201);
            assertThat(api.get("/case/" + uuid).json().get("messages")).hasSize(i + 2);
        }
    }

    @Test
    void historyListsEveryEventInOrderWithWhoAndHow() {
        String uuid = api.openCase("Hist", "hist@other.tld", "History", "one").at("/uuid");
        api.post("/case/" + uuid + "/messages", "{\"from\": \"hist@other.tld\", \"message\": \"two\"}");
        api.patch("/case/" + uuid, "{\"tags\": [\"a\", \"b\"]}");
        api.post("/case/" + uuid + "/close", "{\"reason\": \"done\"}");

        JsonNode events = api.get("/case/" + uuid + "/history").json().get("events");
        List<String> types = new ArrayList<>();
        // the team is told of the case by Casey itself, when other tests registered a team
        events.forEach(e -> types.add(e.get("type").asString()));
        types.remove("TeamInvitedEvent");
        types.removeIf(type -> type.equals("MailWithheldEvent"));
        assertThat(types).containsExactly("CaseOpenedEvent", "MessagePostedEvent", "MessagePostedEvent",
                "CaseTagsChangedEvent", "CaseClosedEvent");
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            assertThat(event.get("sequence").asLong()).isEqualTo(i);
            assertThat(event.get("timestamp").asString()).isNotEmpty();
            boolean byCasey = List.of("TeamInvitedEvent", "MailWithheldEvent").contains(event.get("type").asString());
            assertThat(event.get("source").asString()).isEqualTo(byCasey ? "system" : "http");
            assertThat(event.get("actor").get("kind").asString()).isEqualTo(byCasey ? "system" : "api_client");
        }
        assertThat(events.get(events.size() - 1).get("payload").get("reason").asString()).isEqualTo("done");
        assertThat(api.get("/case/" + UUID.randomUUID() + "/history").status()).isEqualTo(404);
    }

    @Test
    void aCaseCanBeViewedAsItStoodAtAnyInstant() throws InterruptedException {
        String uuid = api.openCase("Asof", "asof@other.tld", "As of", "one").at("/uuid");
        Thread.sleep(20);
        Instant between = Instant.now();
        Thread.sleep(20);
        api.post("/case/" + uuid + "/messages", "{\"from\": \"asof@other.tld\", \"message\": \"two\"}");
        api.post("/case/" + uuid + "/close");

        JsonNode then = api.get("/case/" + uuid + "?asOf=" + between).json();
        assertThat(then.get("messages")).hasSize(1);
        assertThat(then.get("status").asString()).isEqualTo("open");
        JsonNode now = Api.withoutDeliveries(api.get("/case/" + uuid).json());
        assertThat(now.get("status").asString()).isEqualTo("closed");
        assertThat(api.get("/case/" + uuid + "?asOf=" + Instant.now()).json()).isEqualTo(now);
        assertThat(api.get("/case/" + uuid + "?asOf=2000-01-01T00:00:00Z").status()).isEqualTo(404);
        Response bad = api.get("/case/" + uuid + "?asOf=yesterday");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.at("/field")).isEqualTo("asOf");
    }

    @Test
    void casesAreListedAndFiltered() {
        String tag = "t" + unique();
        String who = "lister." + unique() + "@other.tld";
        String first = api.post("/cases", """
                {"creator": {"name": "L", "email": "%s"}, "subject": "Printer on fire", "message": "Smoke everywhere",
                 "category": "hardware", "tags": ["%s"]}""".formatted(who, tag)).at("/uuid");
        String second = api.post("/cases", """
                {"creator": {"name": "L", "email": "%s"}, "subject": "Invoice", "message": "Wrong amount",
                 "category": "billing", "tags": ["%s"]}""".formatted(who, tag)).at("/uuid");
        api.post("/case/" + second + "/close");

        assertThat(uuids(api.get("/cases?tag=" + tag))).containsExactly(second, first);
        assertThat(uuids(api.get("/cases?tag=" + tag + "&status=closed"))).containsExactly(second);
        assertThat(uuids(api.get("/cases?tag=" + tag + "&status=OPEN"))).containsExactly(first);
        assertThat(uuids(api.get("/cases?tag=" + tag + "&category=hardware"))).containsExactly(first);
        assertThat(uuids(api.get("/cases?participant=" + who.toUpperCase()))).containsExactly(second, first);
        assertThat(uuids(api.get("/cases?tag=" + tag + "&q=SMOKE"))).containsExactly(first);
        assertThat(uuids(api.get("/cases?tag=" + tag + "&q=invoice"))).containsExactly(second);
        String reference = api.get("/case/" + second).at("/reference");
        assertThat(uuids(api.get("/cases?q=%20" + reference.toLowerCase(Locale.ROOT)))).as("by its reference")
                .containsExactly(second);
        Response page = api.get("/cases?tag=" + tag + "&size=1&page=1");
        assertThat(uuids(page)).containsExactly(first);
        assertThat(page.json().get("total").asLong()).isEqualTo(2);

        assertProblem(api.get("/cases?status=sleeping"), 400, "INVALID_VALUE", "status");
        assertThat(api.get("/cases?status=sleeping").at("/detail")).endsWith("pending, open, closed, expired");
        assertProblem(api.get("/cases?size=0"), 400, "INVALID_VALUE", "size");
        assertProblem(api.get("/cases?size=1000"), 400, "INVALID_VALUE", "size");
        assertProblem(api.get("/cases?page=-1"), 400, "INVALID_VALUE", "page");
        assertProblem(api.get("/cases?page=one"), 400, "INVALID_VALUE", "page");
    }

    @Test
    void listTotalsFollowOpeningsClosingsReopeningsAndRebuilds() {
        long all = total("/cases");
        long open = total("/cases?status=open");
        long closed = total("/cases?status=closed");
        String uuid = api.openCase("Count", "count@other.tld", "Count me", "one").at("/uuid");
        assertThat(List.of(total("/cases"), total("/cases?status=open"), total("/cases?status=closed")))
                .containsExactly(all + 1, open + 1, closed);
        api.post("/case/" + uuid + "/close");
        assertThat(List.of(total("/cases"), total("/cases?status=open"), total("/cases?status=closed")))
                .containsExactly(all + 1, open, closed + 1);
        api.post("/case/" + uuid + "/reopen");
        assertThat(List.of(total("/cases"), total("/cases?status=open"), total("/cases?status=closed")))
                .containsExactly(all + 1, open + 1, closed);

        assertThat(api.post("/admin/read-models/rebuild").status()).isEqualTo(200);
        for (String status : List.of("open", "closed", "pending", "expired")) {
            assertThat(total("/cases?status=" + status)).as(status).isEqualTo(jdbc.queryForObject(
                    "SELECT count(*) FROM case_view WHERE status = upper(?)", Long.class, status));
        }
        assertThat(total("/cases")).isEqualTo(jdbc.queryForObject("SELECT count(*) FROM case_view", Long.class));
    }

    @Test
    void aRebuildLeavesPersonsAsTheyWere() {
        String registered = api.person("Rita Rebuild", "rita.rebuild@team.tld", true);
        String updated = api.person("Ulf Rebuild", "ulf.rebuild@team.tld", true);
        assertThat(api.patch("/persons/" + updated, "{\"email\": \"ulf.rebuilt@team.tld\"}").status()).isEqualTo(200);
        String retired = api.person("Rolf Rebuild", "rolf.rebuild@team.tld", true);
        assertThat(api.post("/persons/" + retired + "/retire").status()).isEqualTo(200);
        List<JsonNode> before = List.of(registered, updated, retired).stream()
                .map(uuid -> api.get("/persons/" + uuid).json()).toList();

        assertThat(api.post("/admin/read-models/rebuild").status()).isEqualTo(200);
        // registeredAt and updatedAt too: the event store keeps milliseconds, the events handled live carried more
        assertThat(List.of(registered, updated, retired).stream().map(uuid -> api.get("/persons/" + uuid).json())
                .toList()).isEqualTo(before);
    }

    /** The withdrawn versions of 2026-12-02 morning wrote ParticipantAddressChangedEvents; this one has no such type. */
    @Test
    void anEventOfATypeNoLongerKnownShowsInTheHistoryByItsStoredTypeAndContent() throws Exception {
        String uuid = api.openCase("Hana", "hana.history@other.tld", "Address changed", "first").at("/uuid");
        JsonNode opened = tools.jackson.databind.json.JsonMapper.builder().build().readTree(jdbc.queryForObject(
                "SELECT convert_from(payload, 'UTF8') FROM domainevententry WHERE aggregateidentifier = ? "
                        + "AND sequencenumber = 0", String.class, uuid));
        String stored = """
                {"caseId": "%s", "formerEmail": "dora@team.tld",
                 "participant": {"email": "dora.new@team.tld", "name": "Dora", "team": true},
                 "actor": %s, "source": %s}""".formatted(uuid, opened.get("actor"), opened.get("source"));
        assertThat(jdbc.update("""
                INSERT INTO domainevententry (eventidentifier, aggregateidentifier, sequencenumber, type, timestamp,
                                              payloadtype, payloadrevision, payload, metadata)
                SELECT ?, aggregateidentifier, sequencenumber + 1, type, timestamp,
                       'dev.casey.api.supportcase.ParticipantAddressChangedEvent', '1', ?, metadata
                  FROM domainevententry WHERE aggregateidentifier = ? ORDER BY sequencenumber DESC LIMIT 1""",
                UUID.randomUUID().toString(), stored.getBytes(StandardCharsets.UTF_8), uuid)).isEqualTo(1);

        JsonNode entries = api.get("/case/" + uuid + "/history").json().get("events");
        JsonNode changed = entries.get(entries.size() - 1);
        assertThat(changed.get("type").asString()).isEqualTo("ParticipantAddressChangedEvent");
        assertThat(changed.at("/payload/formerEmail").asString()).isEqualTo("dora@team.tld");
        assertThat(changed.at("/payload/participant/email").asString()).isEqualTo("dora.new@team.tld");
        assertThat(changed.at("/payload").has("caseId")).as("carried by the history itself").isFalse();
        assertThat(changed.get("actor")).isEqualTo(entries.get(0).get("actor"));
        assertThat(changed.get("source")).isEqualTo(entries.get(0).get("source"));
    }

    private long total(String path) {
        return api.get(path).json().get("total").asLong();
    }

    @Test
    void personsAreRegisteredOncePerAddressAndShowTheirCases() throws Exception {
        String email = "anna." + unique() + "@domain.tld";
        String anna = api.person("Anna", email, true);
        assertProblem(api.post("/persons", "{\"name\": \"Anna 2\", \"email\": \"" + email.toUpperCase()
                + "\", \"team\": false}"), 409, "EMAIL_ALREADY_REGISTERED", "email");
        assertThat(api.get("/persons/" + anna).at("/name")).isEqualTo("Anna");
        // found by a part of the address or name in any case; paged like the cases
        JsonNode found = api.get("/persons?q=" + email.substring(0, email.indexOf('@')).toUpperCase()).json();
        assertThat(found.get("persons")).hasSize(1);
        assertThat(found.get("persons").get(0).get("uuid").asString()).isEqualTo(anna);
        assertThat(found.get("total").asLong()).isEqualTo(1);
        assertThat(api.get("/persons?team=true&q=" + email).json().get("total").asLong()).isEqualTo(1);
        assertThat(api.get("/persons?team=false&q=" + email).json().get("total").asLong()).isZero();
        JsonNode firstOfAll = api.get("/persons?size=1").json();
        assertThat(firstOfAll.get("persons")).hasSize(1);
        assertThat(firstOfAll.get("total").asLong()).isGreaterThan(1);
        assertThat(api.get("/persons?size=1&page=1").json().get("persons").get(0))
                .isNotEqualTo(firstOfAll.get("persons").get(0));
        assertProblem(api.get("/persons?size=0"), 400, "INVALID_VALUE", "size");
        assertProblem(api.get("/persons?page=-1"), 400, "INVALID_VALUE", "page");

        String uuid = api.openCase("Anna", email, "Mine", "my case").at("/uuid");
        assertThat(uuids(api.get("/persons/" + anna + "/cases"))).containsExactly(uuid);
        // her cases stay hers under a new address, and do not pass to whoever takes the old one
        assertThat(api.patch("/persons/" + anna, "{\"email\": \"anna.new." + unique() + "@domain.tld\"}").status())
                .isEqualTo(200);
        assertThat(uuids(api.get("/persons/" + anna + "/cases"))).containsExactly(uuid);
        String next = api.person("Next", email, false);
        assertThat(uuids(api.get("/persons/" + next + "/cases"))).isEmpty();
        // views kept before they had person ids get them from their documents (the migration that added them)
        jdbc.update("UPDATE case_view_participant SET person_id = NULL WHERE case_id = ?::uuid", uuid);
        assertThat(uuids(api.get("/persons/" + anna + "/cases"))).isEmpty();
        jdbc.update(participantPersonBackfill());
        assertThat(uuids(api.get("/persons/" + anna + "/cases"))).containsExactly(uuid);

        assertThat(api.patch("/persons/" + anna, "{\"name\": \"Anna B.\"}").at("/name")).isEqualTo("Anna B.");
        JsonNode retired = api.post("/persons/" + anna + "/retire").json();
        assertThat(retired.get("team").asBoolean()).isFalse();
        assertThat(retired.get("retired").asBoolean()).isTrue();
        assertProblem(api.post("/persons/" + anna + "/retire"), 409, "NOT_A_TEAM_MEMBER", null);
        assertProblem(api.get("/persons/" + UUID.randomUUID()), 404, "PERSON_NOT_FOUND", null);
        assertProblem(api.patch("/persons/" + UUID.randomUUID(), "{\"name\": \"x\"}"), 404, "PERSON_NOT_FOUND", null);
    }

    @Test
    void casesJoinedBeforeRegisteringAreThePersonsWhoRegisteredTheAddressFirst_underAnyAddressTheyHaveSince() {
        String early = "early." + unique() + "@other.tld";
        String before = api.openCase("Early", early, "Before registering", "hi").at("/uuid");
        String person = api.person("Early", early, false);
        assertThat(uuids(api.get("/persons/" + person + "/cases"))).containsExactly(before);
        assertThat(api.patch("/persons/" + person, "{\"email\": \"early.new." + unique() + "@other.tld\"}").status())
                .isEqualTo(200);
        assertThat(uuids(api.get("/persons/" + person + "/cases"))).containsExactly(before);
        // the old address, taken up again by someone unregistered, then registered by another: theirs from then on
        String after = api.openCase("Later", early, "After she moved", "hi").at("/uuid");
        String next = api.person("Next", early, false);
        assertThat(uuids(api.get("/persons/" + next + "/cases"))).containsExactly(after);
        assertThat(uuids(api.get("/persons/" + person + "/cases"))).containsExactly(before);

        assertThat(api.post("/admin/read-models/rebuild").status()).isEqualTo(200);
        assertThat(uuids(api.get("/persons/" + person + "/cases"))).containsExactly(before);
        assertThat(uuids(api.get("/persons/" + next + "/cases"))).containsExactly(after);
        // kept before participants had a time: as then, the current address's (until a rebuild gives them one)
        jdbc.update("UPDATE case_view_participant SET joined_at = NULL WHERE case_id = ?::uuid", before);
        assertThat(uuids(api.get("/persons/" + next + "/cases"))).containsExactlyInAnyOrder(before, after);
        assertThat(uuids(api.get("/persons/" + person + "/cases"))).isEmpty();
    }

    private static String participantPersonBackfill() throws java.io.IOException {
        try (var migration = CaseyServiceTests.class.getResourceAsStream(
                "/db/migration/query/V20261202_1400__case_view_participant_person.sql")) {
            return java.util.Arrays.stream(new String(migration.readAllBytes(), StandardCharsets.UTF_8).split(";"))
                    .filter(statement -> statement.strip().startsWith("UPDATE")).findFirst().orElseThrow();
        }
    }

    @Test
    void onlyParticipantsAndTheTeamPostToACase() {
        String uuid = api.openCase("C", "c@other.tld", "Who may post", "hi").at("/uuid");
        assertProblem(api.post("/case/" + uuid + "/messages", "{\"from\": \"stranger@else.where\", \"message\": \"x\"}"),
                403, "NOT_A_PARTICIPANT", "from");
        assertProblem(api.post("/case/" + UUID.randomUUID() + "/messages", "{\"from\": \"c@other.tld\", \"message\": \"x\"}"),
                404, "CASE_NOT_FOUND", null);
    }

    @Test
    void closingAndReopeningFollowTheRules() {
        String uuid = api.openCase("C", "closer@other.tld", "Close me", "hi").at("/uuid");
        assertThat(api.post("/case/" + uuid + "/close").at("/status")).isEqualTo("closed");
        assertProblem(api.post("/case/" + uuid + "/close"), 409, "CASE_ALREADY_CLOSED", null);
        assertThat(api.post("/case/" + uuid + "/reopen").at("/status")).isEqualTo("open");
        assertProblem(api.post("/case/" + uuid + "/reopen"), 409, "CASE_NOT_CLOSED", null);

        api.post("/case/" + uuid + "/close");
        assertThat(api.post("/case/" + uuid + "/messages", "{\"from\": \"closer@other.tld\", \"message\": \"again\"}")
                .status()).isEqualTo(201);
        assertThat(api.get("/case/" + uuid).at("/status")).isEqualTo("open");

        api.post("/config", "[{\"caseCanReopen\": false}]");
        api.post("/case/" + uuid + "/close");
        assertProblem(api.post("/case/" + uuid + "/messages", "{\"from\": \"closer@other.tld\", \"message\": \"x\"}"),
                409, "CASE_CLOSED", null);
        assertThat(api.get("/case/" + uuid).json().get("messages")).hasSize(2);
    }

    @Test
    void withConfirmationACaseWaitsForItsCode() {
        api.post("/config", "[{\"caseConfirmation\": true}]");
        Response created = api.openCase("P", "pending@other.tld", "Confirm me", "hi");
        assertThat(created.at("/status")).isEqualTo("pending");
        String uuid = created.at("/uuid");
        String code = jdbc.queryForObject("SELECT code FROM case_confirmation_code WHERE case_id = ?", String.class,
                UUID.fromString(uuid));
        assertThat(api.get("/case/" + uuid + "/history").text()).doesNotContain(code);
        assertProblem(api.post("/case/" + uuid + "/messages", "{\"from\": \"pending@other.tld\", \"message\": \"x\"}"),
                409, "CASE_PENDING", null);
        assertProblem(api.post("/confirm/not-the-code"), 404, "CONFIRMATION_CODE_INVALID", "code");

        Response confirmed = api.post("/confirm/" + code);
        assertThat(confirmed.status()).isEqualTo(200);
        assertThat(confirmed.at("/status")).isEqualTo("open");
        assertThat(confirmed.etag()).startsWith("\"" + confirmed.json().get("version").asLong() + ".");
        assertProblem(api.post("/confirm/" + code), 409, "ALREADY_CONFIRMED", null);
    }

    @Test
    void aConfirmationByCodeThatLosesARaceRunsAgainWhole() {
        api.post("/config", "[{\"caseConfirmation\": true}]");
        String uuid = api.openCase("R", "race@other.tld", "Confirm me again", "hi").at("/uuid");
        String code = jdbc.queryForObject("SELECT code FROM case_confirmation_code WHERE case_id = ?", String.class,
                UUID.fromString(uuid));
        // the confirmation runs inside the transaction of the confirmation by code: its lost race rolls that back
        // too, so the confirmation by code must run again, not the confirmation alone on another thread (which would
        // confirm the case while the request failed)
        AtomicInteger byCode = new AtomicInteger();
        AtomicInteger confirmations = new AtomicInteger();
        Registration raceOnce = commandBus.registerHandlerInterceptor((unitOfWork, chain) -> {
            Object command = unitOfWork.getMessage().getPayload();
            if (command instanceof ConfirmCaseByCodeCommand) {
                byCode.incrementAndGet();
            } else if (command instanceof ConfirmCaseCommand && confirmations.incrementAndGet() == 1) {
                throw new ConcurrencyException("another instance appended to case " + uuid + " first");
            }
            return chain.proceed();
        });
        try {
            Response confirmed = api.post("/confirm/" + code);
            assertThat(confirmed.status()).isEqualTo(200);
            assertThat(confirmed.at("/status")).isEqualTo("open");
        } finally {
            raceOnce.cancel();
            api.post("/config", "[{\"caseConfirmation\": false}]");
        }
        assertThat(byCode.get()).as("the confirmation by code ran again").isEqualTo(2);
        assertThat(confirmations.get()).isEqualTo(2);
        assertThat(api.get("/case/" + uuid + "/history").text().split("CaseConfirmedEvent", -1)).hasSize(2);
    }

    @Test
    void anUnconfirmedCaseExpires() {
        api.post("/config", "[{\"caseConfirmation\": true}, {\"caseConfirmationExpiry\": \"1s\"}]");
        try {
            String uuid = api.openCase("E", "expires@other.tld", "Never confirmed", "hi").at("/uuid");
            String code = jdbc.queryForObject("SELECT code FROM case_confirmation_code WHERE case_id = ?", String.class,
                    UUID.fromString(uuid));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                    .until(() -> api.get("/case/" + uuid).at("/status").equals("expired"));
            assertThat(api.get("/case/" + uuid + "/history").text()).contains("CaseExpiredEvent");
            assertProblem(api.post("/confirm/" + code), 410, "CONFIRMATION_EXPIRED", "code");
            Response close = api.post("/case/" + uuid + "/close");
            assertProblem(close, 409, "CASE_EXPIRED", null);
            assertThat(close.at("/detail")).contains("expired");
            assertThat(uuids(api.get("/cases?status=expired"))).contains(uuid);
        } finally {
            api.post("/config", "[{\"caseConfirmationExpiry\": null}]");
        }
    }

    @Test
    void invitationsRotateThroughTheTeamAndSkipRetiredMembers() {
        String suffix = unique();
        String retired = api.person("Zed Retired", "zed." + suffix + "@domain.tld", true);
        api.post("/persons/" + retired + "/retire");
        long activeTeam = api.get("/persons?team=true").json().get("total").asLong();
        api.post("/config", "[{\"teamInviteCount\": 1}]");
        try {
            java.util.Set<String> invited = new java.util.HashSet<>();
            for (int i = 0; i < activeTeam; i++) {
                String uuid = api.openCase("R", "rotation" + i + "." + suffix + "@other.tld", "Rotation " + i, "hi")
                        .at("/uuid");
                JsonNode invitees = api.get("/case/" + uuid).json().get("invited");
                assertThat(invitees).hasSize(1);
                invited.add(invitees.get(0).get("email").asString());
            }
            // least recently invited first: every active member once, before anyone twice
            assertThat(invited).hasSize((int) activeTeam).doesNotContain("zed." + suffix + "@domain.tld");
        } finally {
            api.post("/config", "[{\"teamInviteCount\": null}]");
        }
    }

    @Test
    void casesOpenedAtTheSameTimeGoToDifferentTeamMembers() throws Exception {
        String suffix = unique();
        for (String name : List.of("Una", "Vic", "Wes", "Xia")) {
            api.person(name + " Parallel", name.toLowerCase(Locale.ROOT) + "." + suffix + "@domain.tld", true);
        }
        int activeTeam = (int) api.get("/persons?team=true").json().get("total").asLong();
        api.post("/config", "[{\"teamInviteCount\": 1}]");
        java.util.concurrent.ExecutorService openers = java.util.concurrent.Executors.newFixedThreadPool(2 * activeTeam);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<CompletableFuture<String>> opened = new ArrayList<>();
            for (int i = 0; i < 2 * activeTeam; i++) {
                String creator = "parallel" + i + "." + suffix + "@other.tld";
                opened.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return api.openCase("P", creator, "Parallel", "hi").at("/uuid");
                }, openers));
            }
            start.countDown();
            java.util.Map<String, Integer> casesPerMember = new java.util.TreeMap<>();
            for (CompletableFuture<String> uuid : opened) {
                JsonNode invitees = api.get("/case/" + uuid.get(60, TimeUnit.SECONDS)).json().get("invited");
                assertThat(invitees).hasSize(1);
                casesPerMember.merge(invitees.get(0).get("email").asString(), 1, Integer::sum);
            }
            // least recently invited first also among simultaneous openings: about two each, nobody left out
            assertThat(casesPerMember).as(casesPerMember.toString()).hasSize(activeTeam);
            assertThat(casesPerMember.values()).as(casesPerMember.toString())
                    .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(3));
        } finally {
            openers.shutdownNow();
            api.post("/config", "[{\"teamInviteCount\": null}]");
        }
    }

    @Test
    void theReadModelsCanBeRebuiltFromTheEventStore() {
        String uuid = api.openCase("Rebuilt", "rebuilt@other.tld", "Rebuild me", "searchable words here").at("/uuid");
        api.post("/case/" + uuid + "/messages", "{\"from\": \"rebuilt@other.tld\", \"message\": \"zebra crossing\"}");
        api.patch("/case/" + uuid, "{\"tags\": [\"rebuilt\"]}");
        String lost = api.openCase("Lost", "lost@other.tld", "Lost view", "gone").at("/uuid");
        JsonNode before = api.get("/case/" + uuid).json();
        JsonNode lostBefore = api.get("/case/" + lost).json();
        long casesBefore = api.get("/cases").json().get("total").asLong();
        long personsBefore = api.get("/persons").json().get("total").asLong();
        // what a rebuild is for: a view gone wrong, one gone, and one of a case the store does not know (holding the
        // reference of the one gone)
        jdbc.update("UPDATE case_view_document SET document = jsonb_set(document, '{subject}', '\"garbled\"')"
                + " WHERE case_id = ?::uuid", uuid);
        jdbc.update("DELETE FROM case_view_message WHERE case_id = ?::uuid AND position = 1", uuid);
        String orphan = UUID.randomUUID().toString();
        jdbc.update("""
                INSERT INTO case_view (case_id, reference, subject, status, category, creator_email, message_count,
                                       opened_at, updated_at, version, summary)
                SELECT ?::uuid, 'ORPHAN', subject, status, category, creator_email, message_count, opened_at,
                       updated_at, version, summary FROM case_view WHERE case_id = ?::uuid""", orphan, uuid);
        jdbc.update("DELETE FROM case_view WHERE case_id = ?::uuid", lost);
        jdbc.update("UPDATE case_view SET reference = ? WHERE case_id = ?::uuid", lostBefore.at("/reference").asString(),
                orphan);
        jdbc.update("INSERT INTO case_view_document (case_id, search_text, document)"
                + " SELECT ?::uuid, search_text, document FROM case_view_document WHERE case_id = ?::uuid", orphan, uuid);
        assertThat(api.get("/case/" + uuid).json()).isNotEqualTo(before);

        Response rebuilt = api.post("/admin/read-models/rebuild");
        assertThat(rebuilt.status()).isEqualTo(200);
        assertThat(rebuilt.json().get("events").asLong()).isPositive();

        assertThat(api.get("/case/" + uuid).json()).isEqualTo(before);
        assertThat(api.get("/case/" + lost).json()).isEqualTo(lostBefore);
        assertThat(api.get("/case/" + orphan).status()).isEqualTo(404);
        assertThat(api.get("/cases").json().get("total").asLong()).isEqualTo(casesBefore);
        assertThat(api.get("/persons").json().get("total").asLong()).isEqualTo(personsBefore);
        assertThat(uuids(api.get("/cases?q=zebra"))).containsExactly(uuid);
        assertThat(uuids(api.get("/cases?tag=rebuilt&participant=rebuilt@other.tld"))).containsExactly(uuid);
    }

    @Test
    void aRebuildHoldsUpOnlyTheCasesItIsWorkingOnAndACommandThatMetItFoldsItsEventsAgain() throws Exception {
        String elsewhere = api.openCase("E", "elsewhere@other.tld", "Not being rebuilt", "first").at("/uuid");
        String racing = api.openCase("R", "racing@other.tld", "Being rebuilt", "first").at("/uuid");
        long retriedBefore = conflictRetry.retried();
        CompletableFuture<Response> raced = new CompletableFuture<>();

        rebuild.rebuild(1, locked -> {
            if (!locked.contains(UUID.fromString(racing))) {
                return;
            }
            // the rebuild holds this case's view now: a command on another case goes through at once
            assertThat(api.post("/case/" + elsewhere + "/messages",
                    "{\"from\": \"elsewhere@other.tld\", \"message\": \"while rebuilding\"}").status()).isEqualTo(201);
            // one on this case reads the old view, records its event and then waits to write the view
            CompletableFuture.runAsync(() -> raced.complete(api.post("/case/" + racing + "/messages",
                    "{\"from\": \"racing@other.tld\", \"message\": \"raced the rebuild\"}")));
            awaitAStatementWaitingForALock("WITH updated AS (%UPDATE case_view SET");
        });

        assertThat(raced.get(30, TimeUnit.SECONDS).status()).isEqualTo(201);
        assertThat(conflictRetry.retried()).as("its events folded again onto the rebuilt view, the command not rerun")
                .isEqualTo(retriedBefore);
        JsonNode view = Api.withoutDeliveries(api.get("/case/" + racing).json());
        assertThat(view.get("messages").findValuesAsString("body")).containsExactly("first", "raced the rebuild");
        String now = java.net.URLEncoder.encode(Instant.now().toString(), StandardCharsets.UTF_8);
        assertThat(api.get("/case/" + racing + "?asOf=" + now).json()).as("the view folded from the events now")
                .isEqualTo(view);
        assertThat(api.get("/case/" + elsewhere).json().get("messages").findValuesAsString("body"))
                .containsExactly("first", "while rebuilding");
    }

    @Test
    void aCasesNextCommandFoldsOntoTheViewThisInstanceStoredWithoutReadingIt() {
        String uuid = api.openCase("K", "kept-unread@other.tld", "As stored", "first").at("/uuid");
        api.post("/case/" + uuid + "/messages", "{\"from\": \"kept-unread@other.tld\", \"message\": \"kept\"}");
        // the document changed without its row (no writer does that): only a view read again would see it
        jdbc.update("UPDATE case_view_document SET document = jsonb_set(document, '{subject}', '\"read again\"')"
                + " WHERE case_id = ?::uuid", uuid);

        api.post("/case/" + uuid + "/messages", "{\"from\": \"kept-unread@other.tld\", \"message\": \"after\"}");
        JsonNode listed = api.get("/cases?participant=kept-unread@other.tld").json().get("cases").get(0);
        assertThat(listed.get("subject").asString()).as("the row written from the kept view").isEqualTo("As stored");
        assertThat(listed.get("messageCount").asInt()).isEqualTo(3);
    }

    @Test
    void aViewChangedSinceThisInstanceStoredItIsFoldedOntoAsItIsNow() {
        String uuid = api.openCase("K", "kept@other.tld", "Kept view", "first").at("/uuid");
        // the view this message stores is kept for the case's next command
        api.post("/case/" + uuid + "/messages", "{\"from\": \"kept@other.tld\", \"message\": \"kept\"}");
        // and replaced behind the instance's back, as a rebuild on another instance would
        jdbc.update("UPDATE case_view_document SET document = jsonb_set(document, '{category}', '\"hand-made\"')"
                + " WHERE case_id = ?::uuid", uuid);
        jdbc.update("UPDATE case_view SET category = 'hand-made' WHERE case_id = ?::uuid", uuid);

        assertThat(api.post("/case/" + uuid + "/messages", "{\"from\": \"kept@other.tld\", \"message\": \"after\"}")
                .status()).isEqualTo(201);
        assertThat(uuids(api.get("/cases?category=hand-made"))).as("the row written from the view as it is now")
                .containsExactly(uuid);
        assertThat(api.get("/case/" + uuid).json().get("messages").findValuesAsString("body"))
                .containsExactly("first", "kept", "after");
    }

    @Test
    void aSecondRebuildIsRefusedWhileOneRuns() {
        api.openCase("S", "second@other.tld", "Rebuilt once at a time", "hi");
        List<Response> meanwhile = new ArrayList<>();
        rebuild.rebuild(1, locked -> {
            if (meanwhile.isEmpty()) {
                meanwhile.add(api.post("/admin/read-models/rebuild"));
            }
        });
        assertProblem(meanwhile.get(0), 409, "REBUILD_RUNNING", null);
        assertThat(api.post("/admin/read-models/rebuild").status()).as("once the first has ended").isEqualTo(200);
    }

    @Test
    void aRebuildAskedToAnswerAtOnceRunsOnItsOwnAndIsFollowedByItsStatus() {
        api.openCase("A", "async@other.tld", "Rebuilt in the background", "hi");
        Instant asked = Instant.now().minusSeconds(1);
        Response accepted = rebuildRespondingAsync();
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.location()).endsWith("/api/casey/v1/admin/read-models/rebuild");
        // the answer is this rebuild's status already, not the last one's
        assertThat(Instant.parse(accepted.json().get("startedAt").asString())).isAfter(asked);
        await().atMost(Duration.ofSeconds(30)).until(() -> "finished".equals(
                api.get("/admin/read-models/rebuild").json().get("state").asString()));
        JsonNode finished = api.get("/admin/read-models/rebuild").json();
        assertThat(finished.get("startedAt").asString()).isEqualTo(accepted.json().get("startedAt").asString());
        assertThat(finished.get("casesDone").asLong()).isEqualTo(finished.get("cases").asLong()).isPositive();

        // while another runs, it is refused at once
        List<Response> meanwhile = new ArrayList<>();
        rebuild.rebuild(1, locked -> {
            if (meanwhile.isEmpty()) {
                meanwhile.add(rebuildRespondingAsync());
            }
        });
        assertProblem(meanwhile.get(0), 409, "REBUILD_RUNNING", null);
    }

    private Response rebuildRespondingAsync() {
        return api.send(api.request("/admin/read-models/rebuild").header("Prefer", "wait=600, respond-async")
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void anyoneCanAskHowARebuildIsGoingAndHowTheLastOneEnded() {
        api.openCase("P", "progress@other.tld", "Progress", "hi");
        List<JsonNode> seen = new ArrayList<>();
        ReadModelRebuild.Result result = rebuild.rebuild(1, locked -> {
            if (seen.isEmpty()) {
                seen.add(api.get("/admin/read-models/rebuild").json());
            }
        });
        JsonNode running = seen.get(0);
        assertThat(running.get("state").asString()).isEqualTo("running");
        assertThat(running.get("cases").asLong()).isEqualTo(result.cases());
        assertThat(running.get("casesDone").asLong()).isZero();
        assertThat(running.get("phase").asString()).isEqualTo("caseViews");

        JsonNode finished = api.get("/admin/read-models/rebuild").json();
        assertThat(finished.get("state").asString()).isEqualTo("finished");
        assertThat(finished.get("casesDone").asLong()).isEqualTo(result.cases());
        assertThat(finished.get("phase").asString()).as("the mail directory is compared last").isEqualTo("mailDirectory");
        assertThat(finished.get("events").asLong()).isEqualTo(result.events());
        assertThat(Instant.parse(finished.get("finishedAt").asString()))
                .isAfterOrEqualTo(Instant.parse(finished.get("startedAt").asString()));

        // a rebuild that fails part way says so, and gives way to the next one
        assertThatThrownBy(() -> rebuild.rebuild(1, locked -> {
            throw new IllegalStateException("disk full, say");
        })).hasMessage("disk full, say");
        JsonNode failed = api.get("/admin/read-models/rebuild").json();
        assertThat(failed.get("state").asString()).isEqualTo("failed");
        assertThat(failed.get("failure").asString()).isEqualTo("disk full, say");
        assertThat(failed.get("casesDone").asLong()).isZero();
        assertThat(failed.get("phase").asString()).as("where it failed").isEqualTo("caseViews");
        assertThat(api.post("/admin/read-models/rebuild").status()).isEqualTo(200);
        assertThat(api.get("/admin/read-models/rebuild").json().get("state").asString()).isEqualTo("finished");

        // one whose instance died in the middle: no end on record, and nobody holds the lock
        jdbc.update("UPDATE read_model_rebuild SET finished_at = NULL");
        assertThat(api.get("/admin/read-models/rebuild").json().get("state").asString()).isEqualTo("interrupted");
    }

    @Test
    void aMailThatMeetsARebuildKeepsItsAttachments() throws Exception {
        String uuid = api.post("/mail/inbound", "{\"from\": \"att@example.org\", \"subject\": \"Att\","
                + " \"message\": \"Hello\"}").at("/case");
        byte[] raw = replyWithAFile(uuid, "<rebuild-race-1@example.org>");
        CompletableFuture<Response> raced = new CompletableFuture<>();
        rebuild.rebuild(1, locked -> {
            if (locked.contains(UUID.fromString(uuid))) {
                // the mail's attachment is stored and its message recorded in one transaction, which then waits
                CompletableFuture.runAsync(() -> raced.complete(api.post("/mail/inbound", "message/rfc822", raw)));
                awaitAStatementWaitingForALock("WITH updated AS (%UPDATE case_view SET");
            }
        });

        assertThat(raced.get(30, TimeUnit.SECONDS).status()).isEqualTo(201);
        assertRepliedWithTheFile(uuid);
    }

    @Test
    void aMailWhoseCommandLosesARaceIsHandledAgainWholeWithItsAttachments() throws Exception {
        String uuid = api.post("/mail/inbound", "{\"from\": \"att@example.org\", \"subject\": \"Race\","
                + " \"message\": \"Hello\"}").at("/case");
        byte[] raw = replyWithAFile(uuid, "<append-race-1@example.org>");
        long retriedBefore = conflictRetry.retried();
        // another instance appends to the case first: its event waits uncommitted for the sequence the mail needs
        CompletableFuture<Response> raced;
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement append = other.prepareStatement("""
                    INSERT INTO domainevententry (eventidentifier, aggregateidentifier, sequencenumber, type, timestamp,
                                                  payloadtype, payloadrevision, payload, metadata)
                    SELECT ?, aggregateidentifier, sequencenumber + 1, type, timestamp, payloadtype, payloadrevision,
                           payload, metadata
                      FROM domainevententry WHERE aggregateidentifier = ? ORDER BY sequencenumber DESC LIMIT 1""")) {
                append.setString(1, UUID.randomUUID().toString());
                append.setString(2, uuid);
                assertThat(append.executeUpdate()).isEqualTo(1);
            }
            raced = CompletableFuture.supplyAsync(() -> api.post("/mail/inbound", "message/rfc822", raw));
            awaitAStatementWaitingForALock("INSERT INTO DomainEventEntry");
            other.commit();
        }

        assertThat(raced.get(30, TimeUnit.SECONDS).status()).isEqualTo(201);
        assertThat(conflictRetry.retried()).as("not the command alone").isEqualTo(retriedBefore);
        assertRepliedWithTheFile(uuid);
    }

    @Test
    void aCommandThatLosesEveryRaceIsAnsweredCaseBusyAndCanBeRepeated() throws Exception {
        String uuid = api.post("/mail/inbound", "{\"from\": \"att@example.org\", \"subject\": \"Busy\","
                + " \"message\": \"Hello\"}").at("/case");
        byte[] raw = replyWithAFile(uuid, "<busy-1@example.org>");
        // other instances keep appending to the case first, every time
        AtomicInteger attempts = new AtomicInteger();
        Registration alwaysSecond = commandBus.registerHandlerInterceptor((unitOfWork, chain) -> {
            if (unitOfWork.getMessage().getPayload() instanceof PostMessageCommand post
                    && post.caseId().toString().equals(uuid)) {
                attempts.incrementAndGet();
                throw new ConcurrencyException("An event for aggregate [" + uuid + "] was already inserted");
            }
            return chain.proceed();
        });
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> posted;
        HttpResponse<String> mailed;
        try {
            posted = client.send(api.request("/case/" + uuid + "/messages").header("Content-Type", "application/json")
                    .header("Idempotency-Key", "busy-1")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"from\": \"att@example.org\", \"message\": \"again\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            mailed = client.send(api.request("/mail/inbound").header("Content-Type", "message/rfc822")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(raw)).build(), HttpResponse.BodyHandlers.ofString());
        } finally {
            alwaysSecond.cancel();
        }
        for (HttpResponse<String> busy : List.of(posted, mailed)) {
            assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
            assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(busy.body()).contains("\"code\":\"CASE_BUSY\"").contains("nothing was changed");
        }
        assertThat(attempts.get()).as("run again before giving up").isGreaterThan(2);

        // nothing of either was stored: repeated, both go through once
        assertThat(api.get("/case/" + uuid).json().get("messages")).hasSize(1);
        Response repeated = api.send(api.request("/case/" + uuid + "/messages").header("Content-Type", "application/json")
                .header("Idempotency-Key", "busy-1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\": \"att@example.org\", \"message\": \"again\"}")));
        assertThat(repeated.status()).as(repeated.text()).isEqualTo(201);
        assertThat(api.post("/mail/inbound", "message/rfc822", raw).status()).isEqualTo(201);
        assertThat(api.get("/case/" + uuid).json().get("messages").findValuesAsString("body"))
                .containsExactly("Hello", "again", "See the file");
    }

    private byte[] replyWithAFile(String uuid, String messageId) {
        return """
                From: Att <att@example.org>
                To: support@example.org
                Subject: Re: [Casey %s] Att
                Message-ID: %s
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="BOUND"

                --BOUND
                Content-Type: text/plain; charset=utf-8

                See the file
                --BOUND
                Content-Type: text/plain; name="file.txt"
                Content-Disposition: attachment; filename="file.txt"

                the content of the file
                --BOUND--
                """.formatted(api.get("/case/" + uuid).at("/reference"), messageId).replace("\n", "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private void assertRepliedWithTheFile(String uuid) {
        JsonNode messages = api.get("/case/" + uuid).json().get("messages");
        assertThat(messages.findValuesAsString("body")).containsExactly("Hello", "See the file");
        String attachment = messages.get(1).get("attachments").get(0).get("attachmentId").asString();
        Response file = api.get("/case/" + uuid + "/attachments/" + attachment);
        assertThat(file.status()).as("stored with the message, not rolled back under it").isEqualTo(200);
        assertThat(file.text()).isEqualTo("the content of the file");
    }

    @Test
    void anErrorInARebuildGivesItsLockBack() {
        api.openCase("E", "error@other.tld", "Error", "hi");
        assertThatThrownBy(() -> rebuild.rebuild(1, locked -> {
            throw new AssertionError("an Error, not an exception");
        })).isInstanceOf(AssertionError.class);

        assertThat(api.get("/admin/read-models/rebuild").json().get("state").asString()).isEqualTo("interrupted");
        for (int i = 0; i < 4; i++) { // whichever pooled connection each one gets
            assertThat(api.post("/admin/read-models/rebuild").status()).isEqualTo(200);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid::bigint = ?",
                Long.class, ReadModelRebuild.RUNNING_LOCK_KEY & 0xFFFF_FFFFL)).isZero();
    }

    private void awaitAStatementWaitingForALock(String statementStart) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!waitingForALock(statementStart)) {
            assertThat(System.nanoTime()).as("a command waiting for a lock: " + statementStart).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private boolean waitingForALock(String statementStart) {
        // statistics views keep what they showed first until the transaction ends (a rebuild's, in a hook)
        jdbc.execute("SELECT pg_stat_clear_snapshot()");
        return jdbc.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND query LIKE ?", Long.class, statementStart + "%") > 0;
    }

    @Test
    void whyNobodyGotAMailIsOnRecord() {
        String uuid = api.openCase("W", "why@other.tld", "Why no mail", "hi").at("/uuid");
        api.post("/case/" + uuid + "/messages", "{\"from\": \"why@other.tld\", \"message\": \"more\"}");
        assertThat(api.get("/case/" + uuid + "/history").text()).contains("MailWithheldEvent",
                "caseSendCopy is off: the author gets no copy of their own message");
    }

    @Test
    void categoryTagsAndMetaChange() {
        String uuid = api.openCase("D", "details@other.tld", "Details", "hi").at("/uuid");
        JsonNode changed = api.patch("/case/" + uuid, """
                {"category": "warranty", "tags": ["x", "y"], "meta": {"shopOrder": "17"}}""").json();
        assertThat(changed.get("category").asString()).isEqualTo("warranty");
        assertThat(changed.get("tags").toString()).isEqualTo("[\"x\",\"y\"]");
        assertThat(changed.get("meta").get("shopOrder").asString()).isEqualTo("17");
        assertProblem(api.patch("/case/" + uuid, "{\"meta\": {\"caseyReference\": \"x\"}}"), 400, "RESERVED_META_KEY",
                "meta.caseyReference");
        assertProblem(api.patch("/case/" + uuid, "{\"meta\": {\"shopOrder\": 17}}"), 400, "WRONG_TYPE", "meta.shopOrder");
        // a reserved key is refused whatever its value: a number there is not what is wrong
        assertProblem(api.patch("/case/" + uuid, "{\"meta\": {\"caseyX\": 1}}"), 400, "RESERVED_META_KEY", "meta.caseyX");
    }

    @Test
    void anIdempotencyKeyMakesARetryANoOp() {
        String key = UUID.randomUUID().toString();
        String body = """
                {"creator": {"name": "I", "email": "idem@other.tld"}, "subject": "Once", "message": "only once"}""";
        Response first = api.send(api.request("/cases").header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
        Response again = api.send(api.request("/cases").header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.at("/uuid")).isEqualTo(first.at("/uuid"));
        String uuid = first.at("/uuid");
        for (int i = 0; i < 2; i++) {
            api.send(api.request("/case/" + uuid + "/messages").header("Content-Type", "application/json")
                    .header("Idempotency-Key", "reply-1").POST(java.net.http.HttpRequest.BodyPublishers
                            .ofString("{\"from\": \"idem@other.tld\", \"message\": \"retried\"}")));
        }
        assertThat(api.get("/case/" + uuid).json().get("messages")).hasSize(2);
    }

    @Test
    void anIdempotencyKeyUsedAgainForAnotherRequestIsRefused() {
        String key = UUID.randomUUID().toString();
        java.util.function.Function<String, Response> open = json -> api.send(api.request("/cases")
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(json)));
        String body = """
                {"creator": {"name": "Reuse", "email": "reuse@other.tld"}, "subject": "First", "message": "the first"}""";
        Response first = open.apply(body);
        assertThat(first.status()).isEqualTo(201);
        String uuid = first.at("/uuid");
        // what the client meant the second time would be lost without a word
        assertProblem(open.apply(body.replace("First", "Second")), 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key");
        assertProblem(open.apply(body.replace("the first", "the second")), 422, "IDEMPOTENCY_KEY_REUSED",
                "Idempotency-Key");
        assertProblem(open.apply(body.replace("reuse@other.tld", "other.reuse@other.tld")), 422,
                "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key");
        assertProblem(open.apply(body.replace("\"Reuse\"", "\"Someone\"")), 422, "IDEMPOTENCY_KEY_REUSED",
                "Idempotency-Key");
        // the same address in other letters, the same subject with a space more: the same request
        Response retried = open.apply(body.replace("reuse@other.tld", "Reuse@Other.tld").replace("First", "First "));
        assertThat(retried.status()).isEqualTo(201);
        assertThat(retried.at("/uuid")).isEqualTo(uuid);
        assertThat(api.get("/case/" + uuid).json().get("subject").asString()).isEqualTo("First");

        java.util.function.Function<String, Response> post = json -> api.send(api.request("/case/" + uuid
                + "/messages").header("Content-Type", "application/json").header("Idempotency-Key", "reply")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
        String reply = "{\"from\": \"reuse@other.tld\", \"message\": \"once\"}";
        Response posted = post.apply(reply);
        assertThat(posted.status()).isEqualTo(201);
        assertProblem(post.apply(reply.replace("once", "twice")), 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key");
        assertProblem(post.apply(reply.replace("reuse@", "nobody@")), 422, "IDEMPOTENCY_KEY_REUSED",
                "Idempotency-Key");
        Response again = post.apply(reply);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.at("/uuid")).isEqualTo(posted.at("/uuid"));
        JsonNode messages = api.get("/case/" + uuid).json().get("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(1).get("body").asString()).isEqualTo("once");
    }

    @Test
    void anIdempotencyKeyOfInboundMailIsTheSendersOwn() {
        String key = UUID.randomUUID().toString();
        java.util.function.Function<String, Response> submit = from -> api.send(api.request("/mail/inbound")
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"from\": \"" + from
                        + "\", \"subject\": \"Keyed\", \"message\": \"from " + from + "\"}")));
        Response alice = submit.apply("alice.keyed@other.tld");
        assertThat(alice.at("/outcome")).isEqualTo("opened");
        Response retried = submit.apply("alice.keyed@other.tld");
        assertThat(retried.at("/outcome")).isEqualTo("duplicate");
        assertThat(retried.at("/case")).as("a retry learns where its mail went").isEqualTo(alice.at("/case"));
        // another sender's mail with the same key is another mail, not a duplicate of hers with her case
        Response mallory = submit.apply("mallory.keyed@other.tld");
        assertThat(mallory.at("/outcome")).isEqualTo("opened");
        assertThat(mallory.at("/case")).isNotEqualTo(alice.at("/case"));
    }

    @Test
    void aKeyedInboundMailSubmittedBeforeTheUpgradeIsRecognisedWhenTheSameSenderRetriesIt() throws Exception {
        String key = UUID.randomUUID().toString();
        String opened = api.openCase("Olga", "olga.keyed@other.tld", "Keyed before", "submitted by an older version")
                .at("/uuid");
        // the record a version before 2026-12-02 08:10 left: its Message-ID derived from the bare key
        String formerId = "submitted." + java.util.HexFormat.of().formatHex(java.security.MessageDigest
                .getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8))).substring(0, 32) + "@"
                + MailSettings.domain(mailSettings.current());
        UUID record = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO inbound_mail (id, dedupe_key, message_id, sender, subject, via, outcome, case_id,
                                          received_at, raw)
                VALUES (?, ?, ?, ?, 'Keyed before', 'HTTP', 'OPENED', ?::uuid, now(), ?)""",
                record, "id:" + formerId, formerId, "Olga.Keyed@other.tld", opened,
                ("Message-ID: <" + formerId + ">\r\n\r\nsubmitted by an older version\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        java.util.function.Function<String, Response> submit = from -> api.send(api.request("/mail/inbound")
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"from\": \"" + from
                        + "\", \"subject\": \"Keyed before\", \"message\": \"submitted by an older version\"}")));

        Response retried = submit.apply("olga.keyed@other.tld");
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.at("/outcome")).isEqualTo("duplicate");
        assertThat(retried.at("/case")).isEqualTo(opened);
        assertThat(retried.at("/mail")).isEqualTo(record.toString());
        // the bare key did not tell senders apart: another sender's mail under it is another mail
        Response other = submit.apply("otto.keyed@other.tld");
        assertThat(other.at("/outcome")).isEqualTo("opened");
        assertThat(other.at("/case")).isNotEqualTo(opened);
    }

    @Test
    void aLongCaseIsLoadedFromASnapshotThatRemembersWhatItHasSeen() {
        String uuid = api.openCase("Long", "long@other.tld", "A long story", "chapter 0").at("/uuid");
        java.util.function.Function<String, Response> retriedPost = key -> api.send(api.request("/case/" + uuid
                + "/messages").header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"from\": \"long@other.tld\", \"message\": \"chapter " + key + "\"}")));
        assertThat(retriedPost.apply("1").status()).isEqualTo(201);
        for (int i = 2; i <= 40; i++) {
            assertThat(retriedPost.apply(String.valueOf(i)).status()).isEqualTo(201);
        }
        Long snapshotAt = jdbc.queryForObject(
                "SELECT max(sequencenumber) FROM snapshotevententry WHERE aggregateidentifier = ?", Long.class, uuid);
        assertThat(snapshotAt).as("a snapshot of the case after 80 events").isNotNull().isGreaterThan(10);

        // the snapshot knows chapter 1 was posted: a retry of it is still a no-op, a new chapter is not
        assertThat(retriedPost.apply("1").status()).isEqualTo(201);
        String documentRow = "SELECT xmin::text FROM case_view_document WHERE case_id = ?::uuid";
        String documentBefore = jdbc.queryForObject(documentRow, String.class, uuid);
        JsonNode before = api.get("/case/" + uuid).json();
        assertThat(retriedPost.apply("41").status()).isEqualTo(201);
        assertThat(jdbc.queryForObject(documentRow, String.class, uuid))
                .as("a message of a participant leaves the case's document as it was").isEqualTo(documentBefore);
        JsonNode after = api.get("/case/" + uuid).json();
        assertThat(after.get("version").asLong()).isGreaterThan(before.get("version").asLong());
        assertThat(Instant.parse(after.get("updatedAt").asString()))
                .isAfterOrEqualTo(Instant.parse(before.get("updatedAt").asString()));
        JsonNode messages = api.get("/case/" + uuid).json().get("messages");
        assertThat(messages).hasSize(42);
        assertThat(messages.get(41).get("body").asString()).isEqualTo("chapter 41");
        // histories, views as of an instant and rebuilds read the events themselves, never the snapshot
        JsonNode history = api.get("/case/" + uuid + "/history").json().get("events");
        assertThat(history.get(0).get("type").asString()).isEqualTo("CaseOpenedEvent");
        assertThat(history.toString()).doesNotContain("SupportCase");
        String now = java.net.URLEncoder.encode(Instant.now().toString(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(api.get("/case/" + uuid + "?asOf=" + now).json())
                .isEqualTo(Api.withoutDeliveries(api.get("/case/" + uuid).json()));
        // a message is a row of its own: the next one does not rewrite the case's earlier messages
        assertThat(jdbc.queryForObject("SELECT jsonb_array_length(document -> 'messages') FROM case_view_document "
                + "WHERE case_id = ?::uuid", Integer.class, uuid)).isZero();
        assertThat(jdbc.queryForList("SELECT position FROM case_view_message WHERE case_id = ?::uuid ORDER BY position",
                Integer.class, uuid)).hasSize(42).last().isEqualTo(41);
        assertThat(uuids(api.get("/cases?q=CHAPTER%2041"))).containsExactly(uuid);
    }

    @Test
    void theSameIdempotencyKeyAtTheSameTimeOpensOneCase() throws Exception {
        String key = UUID.randomUUID().toString();
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(6);
        List<java.util.concurrent.Future<Response>> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(clients.submit(() -> api.send(api.request("/cases").header("Content-Type", "application/json")
                    .header("Idempotency-Key", key).POST(java.net.http.HttpRequest.BodyPublishers.ofString("""
                            {"creator": {"name": "Race", "email": "race@other.tld"}, "subject": "Once only",
                             "message": "hi"}""")))));
        }
        java.util.Set<String> uuids = new java.util.HashSet<>();
        for (java.util.concurrent.Future<Response> answer : answers) {
            assertThat(answer.get().status()).isEqualTo(201);
            uuids.add(answer.get().at("/uuid"));
        }
        clients.shutdown();
        assertThat(uuids).hasSize(1);
        assertThat(api.get("/cases?participant=race@other.tld").json().get("total").asLong()).isEqualTo(1);
    }

    @Test
    void aChangeNamingTheVersionItWasMadeOnIsRefusedOnceTheCaseHasMovedOn() {
        String uuid = api.openCase("Etag", "etag@other.tld", "Versions", "v").at("/uuid");
        Response read = api.get("/case/" + uuid);
        long version = read.json().get("version").asLong();
        assertThat(read.etag()).startsWith("\"" + version + ".");
        Response changed = patch(uuid, read.etag(), "{\"meta\": {\"a\": \"1\"}}");
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.etag()).startsWith("\"" + (version + 1) + ".");
        assertThat(patch(uuid, "\"" + (version + 1) + "\"", "{\"meta\": {\"a\": \"1\"}}").status()).isEqualTo(200);
        // a second client that read the same version loses nothing by accident: it is told to read again
        assertProblem(patch(uuid, read.etag(), "{\"meta\": {\"b\": \"2\"}}"), 412, "VERSION_MISMATCH", null);
        assertProblem(patch(uuid, "\"" + (version + 5) + "\"", "{\"meta\": {\"b\": \"2\"}}"), 412, "VERSION_MISMATCH",
                null);
        assertProblem(patch(uuid, "\"nope\"", "{\"meta\": {\"b\": \"2\"}}"), 412, "VERSION_MISMATCH", null);
        assertThat(api.get("/case/" + uuid).json().get("meta").toString()).isEqualTo("{\"a\":\"1\"}");
        assertThat(patch(uuid, changed.etag(), "{\"meta\": {\"a\": \"1\", \"b\": \"2\"}}").status()).isEqualTo(200);
        assertThat(patch(uuid, "*", "{\"tags\": [\"any\"]}").status()).isEqualTo(200);
        assertThat(api.get("/case/" + uuid).json().get("meta").size()).isEqualTo(2);
    }

    @Test
    void theAnswersOfCloseAndReopenCarryTheETagOfTheCaseTheyShow() {
        String uuid = api.openCase("Etag", "etag.close@other.tld", "Versions", "v").at("/uuid");
        Response closed = api.post("/case/" + uuid + "/close");
        assertThat(closed.status()).isEqualTo(200);
        assertThat(closed.etag()).startsWith("\"" + closed.json().get("version").asLong() + ".");
        assertThat(patch(uuid, closed.etag(), "{\"tags\": [\"closed\"]}").status()).isEqualTo(200);
        Response reopened = api.post("/case/" + uuid + "/reopen");
        assertThat(reopened.status()).isEqualTo(200);
        assertThat(reopened.etag()).startsWith("\"" + reopened.json().get("version").asLong() + ".");
        assertThat(patch(uuid, reopened.etag(), "{\"tags\": [\"reopened\"]}").status()).isEqualTo(200);
    }

    private Response patch(String uuid, String ifMatch, String json) {
        return api.send(api.request("/case/" + uuid).header("Content-Type", "application/json").header("If-Match", ifMatch)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    @Test
    void theEmbeddedDatabaseWritesItsDataToDisk() {
        // the library's default is -F: no fsync, so an OS crash could lose or corrupt what was acknowledged
        assertThat(jdbc.queryForObject("SHOW fsync", String.class)).isEqualTo("on");
    }

    @Test
    void whatTomcatRefusesBeforeSpringIsAProblemToo() throws Exception {
        String tooLong = exchange("GET /api/casey/v1/cases?q=" + "x".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(tooLong).startsWith("HTTP/1.1 400").containsIgnoringCase("Content-Type: application/problem+json")
                .contains("\"code\":\"MALFORMED_REQUEST\"").contains("too large").doesNotContain("<html");
        String header = exchange("GET /api/casey/v1/cases HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "y".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(header).startsWith("HTTP/1.1 400").contains("\"code\":\"MALFORMED_REQUEST\"").doesNotContain("<html");
        String notHttp = exchange("GET /api/casey/v1/cases?a=<b> HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(notHttp).startsWith("HTTP/1.1 400").contains("\"status\":400").doesNotContain("<html");
        Response slash = api.get("/case/" + UUID.randomUUID() + "/");
        assertProblem(slash, 404, "NOT_FOUND", null);
        assertThat(slash.at("/detail")).contains("no trailing slash").doesNotContain("static");
        // and what Spring answers stays as it was
        assertThat(exchange("GET /api/casey/v1/case/nope HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 400").contains("\"field\":\"uuid\"");
    }

    @Test
    void whatTheServletContainerAnswersItselfIsAProblemToo() throws Exception {
        // Tomcat refuses TRACE itself, then shows its error page
        String trace = exchange("TRACE /api/casey/v1/persons HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(trace).startsWith("HTTP/1.1 405").containsIgnoringCase("Content-Type: application/problem+json")
                .contains("\"code\":\"METHOD_NOT_ALLOWED\"").contains("\"instance\":\"/api/casey/v1/persons\"")
                .doesNotContain("\"timestamp\"");

        String error = exchange("GET /error HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(error).startsWith("HTTP/1.1 404").containsIgnoringCase("Content-Type: application/problem+json")
                .contains("\"code\":\"NOT_FOUND\"").doesNotContain("999");
    }

    /** One request as the bytes given, its whole answer as text: for requests no HTTP client would send. */
    private String exchange(String request) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void badInputGetsAPreciseProblemAndNeverA500() {
        assertProblem(api.post("/cases", "{\"creator\": {\"name\": \"X\", \"email\": \"x@y.z\"}, \"subject\": \"s\""),
                400, "MALFORMED_JSON", null);
        assertProblem(api.post("/cases", "{\"creator\": {\"name\": \"X\", \"email\": \"x@y.z\"}, \"subject\": \"s\", "
                + "\"message\": \"m\", \"priority\": 1}"), 400, "UNKNOWN_FIELD", "priority");
        assertProblem(api.post("/cases", "{\"creator\": {\"name\": \"X\", \"email\": \"x@y.z\", \"phone\": \"1\"}, "
                + "\"subject\": \"s\", \"message\": \"m\"}"), 400, "UNKNOWN_FIELD", "creator.phone");
        assertProblem(api.post("/cases", "{\"creator\": {\"name\": \"X\", \"email\": \"x@y.z\"}, \"subject\": 42, "
                + "\"message\": \"m\"}"), 400, "WRONG_TYPE", "subject");
        assertProblem(api.post("/cases", "{\"creator\": {\"name\": \"X\", \"email\": \"x@y.z\"}, \"subject\": \"s\", "
                + "\"message\": \"m\", \"tags\": \"bug\"}"), 400, "WRONG_TYPE", "tags");
        assertProblem(api.post("/cases", "{\"creator\": {\"name\": \"X\", \"email\": \"x@y.z\"}, \"subject\": \"s\", "
                + "\"message\": \"m\", \"tags\": [1]}"), 400, "WRONG_TYPE", "tags[0]");
        assertProblem(api.post("/persons", "{\"name\": \"X\", \"email\": \"x@y.z\", \"team\": \"yes\"}"),
                400, "WRONG_TYPE", "team");
        assertProblem(api.post("/persons", "{\"name\": \"X\", \"email\": \"x@y.z\", \"team\": 1}"),
                400, "WRONG_TYPE", "team");
        assertProblem(api.post("/cases", "{\"creator\": {\"name\": \"X\"}, \"subject\": \"s\", \"message\": \"m\"}"),
                400, "INVALID_REQUEST", "creator.email");
        assertProblem(api.post("/cases", "{\"creator\": {\"name\": \"X\", \"email\": \"not an address\"}, "
                + "\"subject\": \"s\", \"message\": \"m\"}"), 400, "INVALID_VALUE", "creator.email");
        assertProblem(api.post("/persons", "{\"name\": \"X\", \"email\": \"x@localhost\", \"team\": false}"),
                400, "INVALID_VALUE", "email");
        assertProblem(api.post("/cases", "[]"), 400, "WRONG_TYPE", null);
        assertProblem(api.post("/cases", ""), 400, "MALFORMED_REQUEST", null);
        assertProblem(api.post("/cases", "{\"creator\": {\"name\": \"X\", \"email\": \"x@y.z\"}, \"subject\": \"s\", "
                + "\"subject\": \"t\", \"message\": \"m\"}"), 400, "MALFORMED_JSON", null);
        assertProblem(api.post("/cases", "text/plain", "hello".getBytes(StandardCharsets.UTF_8)),
                415, "UNSUPPORTED_MEDIA_TYPE", null);
        assertProblem(api.get("/case/not-a-uuid"), 400, "INVALID_VALUE", "uuid");
        assertProblem(api.post("/persons/%20/retire"), 400, "INVALID_VALUE", "uuid");
        assertProblem(api.get("/mail/inbound/%20"), 400, "INVALID_VALUE", "id");
        assertProblem(api.get("/case/" + UUID.randomUUID()), 404, "CASE_NOT_FOUND", null);
        assertProblem(api.get("/nowhere"), 404, "NOT_FOUND", null);
        assertProblem(api.send(api.request("/cases").DELETE()), 405, "METHOD_NOT_ALLOWED", null);
    }

    @Test
    void theIdOfAPersonIsNoCase_andTheIdOfACaseNoPerson() {
        String person = api.person("Other Kind", "other-kind-" + unique() + "@team.tld", true);
        String kase = api.openCase("Kind Customer", "kind-" + unique() + "@other.tld", "Kinds", "Which kind?").at("/uuid");
        long events = jdbc.queryForObject("SELECT count(*) FROM domainevententry", Long.class);

        assertProblem(api.post("/case/" + person + "/messages", "{\"from\": \"x@other.tld\", \"message\": \"m\"}"),
                404, "CASE_NOT_FOUND", null);
        assertProblem(api.post("/case/" + person + "/close", "{}"), 404, "CASE_NOT_FOUND", null);
        assertProblem(api.post("/case/" + person + "/reopen", "{}"), 404, "CASE_NOT_FOUND", null);
        assertProblem(api.patch("/case/" + person, "{\"category\": \"c\"}"), 404, "CASE_NOT_FOUND", null);
        assertProblem(api.patch("/persons/" + kase, "{\"name\": \"n\"}"), 404, "PERSON_NOT_FOUND", null);
        assertProblem(api.post("/persons/" + kase + "/retire"), 404, "PERSON_NOT_FOUND", null);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domainevententry", Long.class)).isEqualTo(events);
    }

    @Test
    void aNulInASearchIsAnInvalidValue_notAServerError() {
        assertProblem(api.get("/persons?q=a%00"), 400, "INVALID_VALUE", "q");
        assertProblem(api.get("/cases?participant=a%00@other.tld"), 400, "INVALID_VALUE", "participant");
        for (String filter : List.of("q", "category", "tag")) {
            assertProblem(api.get("/cases?" + filter + "=%00"), 400, "INVALID_VALUE", filter);
        }
    }

    @Test
    void anAcceptHeaderTurnsARequestAwayBeforeItIsHandled_neverAfter() {
        String person = "{\"name\": \"Accept %1$s\", \"email\": \"accept-%1$s@other.tld\", \"team\": false}";
        // Jackson writes no UTF-16: the person was registered, then the answer failed with a 500
        Response utf16 = api.send(api.request("/persons").header("Content-Type", "application/json")
                .header("Accept", "application/json; charset=utf-16")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(person.formatted("utf16"))));
        assertThat(utf16.status()).as(utf16.text()).isEqualTo(201);
        assertThat(utf16.contentType()).startsWith("application/json");
        assertThat(utf16.at("/uuid")).isNotBlank();

        Response unparsable = api.send(api.request("/persons").header("Content-Type", "application/json")
                .header("Accept", "}{").POST(java.net.http.HttpRequest.BodyPublishers.ofString(person.formatted("x"))));
        assertThat(unparsable.status()).as(unparsable.text()).isEqualTo(201);
        Response malformed = api.send(api.request("/persons").header("Content-Type", "application/json")
                .header("Accept", "*/*;q=abc").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{")));
        assertProblem(malformed, 400, "MALFORMED_JSON", null);

        Response image = api.send(api.request("/persons").header("Content-Type", "application/json")
                .header("Accept", "image/png").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        person.formatted("png"))));
        assertProblem(image, 406, "NOT_ACCEPTABLE", null);
        assertThat(api.get("/persons?q=accept-png").json().get("total").asLong()).as("nothing kept").isZero();
    }

    @Test
    void aBodyWithAContentEncodingIsRefusedWith415_notReadAsItCame() {
        String person = "{\"name\": \"Encoded\", \"email\": \"%s@other.tld\", \"team\": false}";
        // labelled gzip, but plain: it was registered
        Response gzip = api.send(api.request("/persons").header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(person.formatted("encoded-gzip"))));
        assertProblem(gzip, 415, "UNSUPPORTED_MEDIA_TYPE", null);
        assertThat(gzip.at("/detail")).contains("gzip");
        assertThat(api.get("/persons?q=encoded-gzip").json().get("total").asLong()).as("nothing kept").isZero();

        Response identity = api.send(api.request("/persons").header("Content-Type", "application/json")
                .header("Content-Encoding", "identity")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(person.formatted("encoded-identity"))));
        assertThat(identity.status()).as(identity.text()).isEqualTo(201);
    }

    @Test
    void textPostgreSqlCannotKeepIsRefusedNamingTheField() {
        String opening = "{\"creator\": {\"name\": \"N\", \"email\": \"nul@other.tld\"}, \"subject\": \"%s\", "
                + "\"message\": \"%s\", \"meta\": {%s}}";
        assertProblem(api.post("/cases", opening.formatted("s", "m\\u0000x", "")), 400, "INVALID_VALUE", "message");
        assertProblem(api.post("/cases", opening.formatted("s\\ud800", "m", "")), 400, "INVALID_VALUE", "subject");
        assertProblem(api.post("/cases", opening.formatted("s", "m\\udc00", "")), 400, "INVALID_VALUE", "message");
        assertProblem(api.post("/cases", opening.formatted("s", "m", "\"a\": \"b\\u0000\"")), 400, "INVALID_VALUE",
                "meta.a");
        Response refused = api.post("/cases", opening.formatted("s", "m", "\"a\\u0000\": \"b\""));
        assertProblem(refused, 400, "INVALID_VALUE", null);
        assertThat(refused.at("/detail")).contains("U+0000");
        assertThat(api.get("/cases?participant=nul@other.tld").json().get("total").asLong()).as("nothing kept").isZero();

        // a pair of surrogates is a character like any other
        Response created = api.post("/cases", opening.formatted("s \\ud83d\\ude00", "m \\ud83d\\ude00", ""));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String uuid = created.at("/uuid");
        assertThat(api.get("/case/" + uuid).at("/subject")).isEqualTo("s \ud83d\ude00");
        assertProblem(api.post("/case/" + uuid + "/messages", "{\"from\": \"nul@other.tld\", \"message\": \"hi\\u0000\"}"),
                400, "INVALID_VALUE", "message");
        assertProblem(api.patch("/case/" + uuid, "{\"meta\": {\"k\": \"v\\u0000\"}}"), 400, "INVALID_VALUE", "meta.k");
        assertProblem(api.post("/case/" + uuid + "/close", "{\"reason\": \"done\\u0000\"}"), 400, "INVALID_VALUE",
                "reason");
        assertProblem(api.post("/config", "[{\"mailSupportName\": \"Desk\\u0000\"}]"), 400, "INVALID_VALUE",
                "[0].mailSupportName");
        assertThat(api.get("/case/" + uuid).json().get("messages")).hasSize(1);
        assertThat(api.get("/case/" + uuid).at("/status")).isEqualTo("open");
    }

    @Test
    void oversizeBodiesAreRefusedWith413() {
        api.post("/config", "[{\"requestMaxBytes\": 65536}]");
        String big = "x".repeat(70_000);
        String body = "{\"creator\": {\"name\": \"X\", \"email\": \"x@y.z\"}, \"subject\": \"s\", \"message\": \"" + big + "\"}";
        assertProblem(api.post("/cases", body), 413, "REQUEST_TOO_LARGE", null);
        // without Content-Length (chunked): refused while reading
        Response chunked = api.send(api.request("/cases").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))));
        assertProblem(chunked, 413, "REQUEST_TOO_LARGE", null);
        assertThat(api.get("/cases?q=" + big.substring(0, 100)).json().get("total").asLong()).isZero();
    }

    @Test
    void configurationIsReadAndChangedAtRuntime() {
        JsonNode config = api.get("/config").json();
        assertThat(config.get("caseCanReopen").asBoolean()).isTrue();
        assertThat(config.get("teamInviteCount").asInt()).isZero();
        assertThat(config.get("mailSubjectFormat").asString()).isEqualTo("[%prefix% %reference%] %subject%");
        assertThat(config.get("mailEnable").asBoolean()).isFalse();

        JsonNode changed = api.post("/config", "[{\"mailSyncTimer\": 120}, {\"caseCloseIdle\": \"12h\"}]").json();
        assertThat(changed.get("mailSyncTimer").asInt()).isEqualTo(120);
        assertThat(changed.get("caseCloseIdle").asString()).isEqualTo("12h");
        assertThat(api.get("/config").json().get("mailSyncTimer").asInt()).isEqualTo(120);

        assertProblem(api.post("/config", "[{\"mailSyncTimr\": 120}]"), 400, "UNKNOWN_SETTING", "mailSyncTimr");
        assertProblem(api.post("/config", "[{\"caseCloseIdle\": \"soon\"}]"), 400, "INVALID_VALUE", "caseCloseIdle");
        assertProblem(api.post("/config", "[{\"a\": 1, \"b\": 2}]"), 400, "INVALID_VALUE", "[0]");
        assertProblem(api.post("/config", "{\"mailSyncTimer\": 120}"), 400, "WRONG_TYPE", null);
        assertProblem(api.post("/config/commit"), 409, "NO_CONFIG_FILE", null);
        api.post("/config", "[{\"mailSyncTimer\": null}, {\"caseCloseIdle\": null}]");
    }

    @Test
    void aRequestSizeLimitThatNoRequestFitsIsRefused_soPostConfigStaysReachable() {
        for (String tooSmall : List.of("0", "-1", "2000", "65535")) {
            Response refused = api.post("/config", "[{\"requestMaxBytes\": " + tooSmall + "}]");
            assertProblem(refused, 400, "INVALID_VALUE", "requestMaxBytes");
            assertThat(refused.at("/detail")).contains("65536 (64 KiB)", "1073741824 (1 GiB)");
        }
        assertProblem(api.post("/config", "[{\"requestMaxBytes\": 1073741825}]"), 400, "INVALID_VALUE", "requestMaxBytes");
        assertThat(api.post("/config", "[{\"requestMaxBytes\": 65536}]").status()).isEqualTo(200);
        assertThat(api.post("/config", "[{\"caseCanReopen\": true}]").status()).isEqualTo(200);
    }

    @Test
    void valuesThatBreakMailAreRefused_andMailGoesOn() {
        assertProblem(api.post("/config", "[{\"mainDomain\": \"bad domain!\"}]"), 400, "INVALID_VALUE", "mainDomain");
        assertThat(api.post("/config", "[{\"mainDomain\": \"\"}]").json().get("mainDomain").isNull())
                .as("blank: not set, as ever").isTrue();
        assertProblem(api.post("/config", "[{\"mailMaxBytes\": 0}]"), 400, "INVALID_VALUE", "mailMaxBytes");
        assertProblem(api.post("/config", "[{\"mailSyncTimer\": 0}]"), 400, "INVALID_VALUE", "mailSyncTimer");
        assertProblem(api.post("/config", "[{\"mailSyncTimer\": \"0m\"}]"), 400, "INVALID_VALUE", "mailSyncTimer");

        Response opened = api.openCase("Mail User", "mail.user@other.tld", "Still mailed", "hello");
        assertThat(opened.status()).isEqualTo(201);
        assertThat(api.get("/mail/outbox?limit=1000").text()).as("its mail queued and composed")
                .contains("[Casey " + opened.at("/reference") + "] Still mailed");
        assertThat(api.post("/mail/inbound", "{\"from\": \"inbound@other.tld\", \"subject\": \"Still read\","
                + " \"message\": \"hello\"}").status()).isBetween(200, 201);
        assertThat(api.post("/config", "[{\"mainDomain\": \"casey.example.com\"}]").status()).isEqualTo(200);
        assertThat(api.post("/config", "[{\"mainDomain\": null}]").status()).isEqualTo(200);
    }

    @Test
    void clearlyInvalidValuesAreRefusedNamingTheKey() {
        String[][] refused = {
                {"smtpPort", "70000", "from 1 to 65535"},
                {"imapPort", "0", "from 1 to 65535"},
                {"imapQuarantineFolder", "\"" + "x".repeat(256) + "\"", "folder name"},
                {"smtpAdapter", "\"nope\"", "smtp (the only one"},
                {"imapAdapter", "\"pop3\"", "imap (the only one"},
                {"caseConfirmUrl", "\"not a url\"", "http or https URL"},
                {"caseConfirmUrl", "\"ftp://support.example.com/%code%\"", "http or https URL"},
                {"caseConfirmUrl", "\"/confirm/%code%\"", "http or https URL"},
                {"mailSyncTimer", "99999999999999", "from 1s to 1d"},
                {"mailSyncTimer", "\"2d\"", "from 1s to 1d"},
                {"caseCloseIdle", "99999999999999", "at most 3650d"},
                {"teamInviteReminder", "\"999999999d\"", "at most 3650d"},
                {"caseConfirmationExpiry", "\"3651d\"", "from 1s to 3650d"},
                {"caseConfirmationExpiry", "0", "from 1s to 3650d"},
                {"smtpServer", "\"smtp://mail.example.com\"", "a host name or IP address"},
                {"imapServer", "\"mail.example.com:993\"", "without scheme or port"},
                {"mailSubjectPrefix", "\"" + "x".repeat(5000) + "\"", "at most 64 characters"},
                {"mailSupportName", "\"" + "x".repeat(65) + "\"", "at most 64 characters"},
                {"mailSubjectFormat", "\"" + "x".repeat(201) + "\"", "at most 200 characters"},
                {"mailAttachmentMaxBytes", "1073741825", "1073741824 (1 GiB)"},
                {"mailRateLimit", "0", "from 1 to 1000000"},
                {"mailFormSenders", "[\"forms@site.test\", \"not an address\"]", "a list of at most 100 e-mail"},
                {"mailSendAttachmentMaxBytes", "26214401", "26214400"},
                {"teamInviteCount", "-1", "from 0 to 10000"}};
        for (String[] value : refused) {
            Response answer = api.post("/config", "[{\"" + value[0] + "\": " + value[1] + "}]");
            assertProblem(answer, 400, "INVALID_VALUE", value[0]);
            assertThat(answer.at("/detail")).as(value[0]).startsWith(value[0] + " must be ").contains(value[2]);
        }
        Response clash = api.post("/config", "[{\"imapQuarantineFolder\": \"inbox\"}]");
        assertProblem(clash, 400, "INVALID_VALUE", "imapQuarantineFolder");
        assertThat(clash.at("/detail")).contains("must differ from imapFolder (\"INBOX\")");
        JsonNode accepted = api.post("/config", """
                [{"smtpAdapter": "smtp"}, {"imapFolder": "Support"}, {"mailSyncTimer": "1d"}, {"caseCloseIdle": "3650d"},
                 {"caseConfirmUrl": "https://support.example.com/confirm?code=%code%"},
                 {"mailSubjectPrefix": "Acme Support Desk"}]""").json();
        assertThat(accepted.get("caseConfirmUrl").asString()).isEqualTo("https://support.example.com/confirm?code=%code%");
        assertThat(accepted.get("mailSyncTimer").asString()).isEqualTo("1d");
        // a blank text has always meant "not set": it resets the key rather than break its rule
        JsonNode reset = api.post("/config", "[{\"imapFolder\": \"\"}, {\"caseConfirmUrl\": \" \"}]").json();
        assertThat(reset.get("imapFolder").asString()).isEqualTo("INBOX");
        assertThat(reset.get("caseConfirmUrl").isNull()).isTrue();
        // so for every key given as text: an address, a password, a duration, an encryption
        JsonNode set = api.post("/config", """
                [{"mailAddress": "desk@casey.localhost"}, {"smtpPassword": "secret"}, {"caseCloseIdle": "12h"},
                 {"smtpEncryption": "tls"}]""").json();
        assertThat(set.get("smtpPassword").asString()).isEqualTo("********");
        Response blank = api.post("/config", """
                [{"mailAddress": ""}, {"smtpPassword": ""}, {"caseCloseIdle": " "}, {"smtpEncryption": ""}]""");
        assertThat(blank.status()).as(blank.text()).isEqualTo(200);
        assertThat(blank.at("/mailAddress")).isEqualTo("support@casey.localhost");
        assertThat(blank.json().get("smtpPassword").isNull()).as("a blank password is no password").isTrue();
        assertThat(blank.at("/caseCloseIdle")).isEqualTo("30d");
        assertThat(blank.at("/smtpEncryption")).isEqualTo("starttls");
        api.post("/config", """
                [{"smtpAdapter": null}, {"imapFolder": null}, {"mailSyncTimer": null}, {"caseCloseIdle": null},
                 {"caseConfirmUrl": null}, {"mailSubjectPrefix": null}]""");
    }

    static List<String> uuids(Response page) {
        List<String> uuids = new ArrayList<>();
        page.json().get("cases").forEach(c -> uuids.add(c.get("uuid").asString()));
        return uuids;
    }

    static void assertProblem(Response response, int status, String code, String field) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.isProblem()).as("problem+json: " + response.contentType()).isTrue();
        assertThat(response.at("/code")).as(response.text()).isEqualTo(code);
        if (field != null) {
            assertThat(response.at("/field")).as(response.text()).isEqualTo(field);
        }
        assertThat(response.at("/detail")).isNotBlank();
    }

    static String unique() {
        return Long.toString(System.nanoTime(), 36);
    }
}
