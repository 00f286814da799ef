package dev.casey.server;

import static dev.casey.server.CaseyServiceTests.assertProblem;
import static dev.casey.server.MailConversationTests.configFile;
import static dev.casey.server.MailConversationTests.messageId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.casey.server.Api.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Casey's own addresses, with real mail servers around the service. It never takes its own mail for a customer's:
 * the support address cannot become a person, a creator or a sender, and mail of ours that reaches the support mailbox
 * again is kept but never posted or answered, so it cannot start a mail loop. And it never shows a customer a team
 * member's address, the one they have or one they had.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OurAddressesTests extends ServiceTest {

    static final MailServers MAIL = new MailServers();
    static final Duration PATIENCE = Duration.ofSeconds(20);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casey.data-dir", () -> newDataDir("our-addresses").toString());
        registry.add("casey.config-file", () -> configFile(MAIL.config("")).toString());
        registry.add("casey.outbox.first-retry", () -> "200ms");
    }

    @AfterAll
    static void closeMailServers() {
        MAIL.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    Api api;

    @BeforeEach
    void team() {
        api = new Api(port);
        if (api.get("/persons?team=true").json().get("persons").isEmpty()) {
            api.person("Ben Foo", "ben@team.test", true);
        }
    }

    @Test
    void theSupportAddressAndItsPlusAddressesAreNobodyCaseyWritesToOrForOverHttp() {
        String plus = "Support+Loop@Casey.TEST";
        for (String ours : List.of(MailServers.SUPPORT, plus)) {
            assertProblem(api.post("/persons", """
                    {"name": "Loop", "email": "%s", "team": true}""".formatted(ours)), 400, "SUPPORT_ADDRESS", "email");
            assertProblem(api.openCase("Loop", ours, "loop", "m"), 400, "SUPPORT_ADDRESS", "creator.email");
            assertProblem(api.post("/mail/inbound", """
                    {"from": "%s", "subject": "loop", "message": "m"}""".formatted(ours)), 400, "SUPPORT_ADDRESS", "from");
        }
        String ben = api.get("/persons?team=true").json().get("persons").get(0).get("uuid").asString();
        assertProblem(api.patch("/persons/" + ben, "{\"email\": \"" + plus + "\"}"), 400, "SUPPORT_ADDRESS", "email");
        assertThat(api.get("/persons/" + ben).at("/email")).isEqualTo("ben@team.test");

        String uuid = api.openCase("Customer", "customer@example.org", "A question", "Why?").at("/uuid");
        assertProblem(api.post("/case/" + uuid + "/messages", """
                {"from": "%s", "message": "from ourselves"}""".formatted(MailServers.SUPPORT.toUpperCase())),
                400, "SUPPORT_ADDRESS", "from");

        assertThat(api.get("/persons?q=support").json().get("total").asLong()).isZero();
        assertThat(api.get("/cases?participant=" + MailServers.SUPPORT).json().get("total").asLong()).isZero();
        assertThat(api.get("/cases?participant=" + plus).json().get("total").asLong()).isZero();
        assertThat(api.get("/case/" + uuid).json().get("messages")).hasSize(1);

        // nor can the support address become a registered person's address, or one whose plus-address a person has
        assertProblem(api.post("/config", "[{\"mailAddress\": \"BEN@team.test\"}]"), 409, "EMAIL_ALREADY_REGISTERED",
                "mailAddress");
        api.person("Desk", "help+desk@team.test", false);
        assertProblem(api.post("/config", "[{\"mailAddress\": \"help@team.test\"}]"), 409,
                "EMAIL_ALREADY_REGISTERED", "mailAddress");
        assertThat(api.get("/config").text()).contains(MailServers.SUPPORT).doesNotContain("help@team.test");
    }

    @Test
    void aParticipantKeptWithTheSupportAddressGetsNoMail() {
        String customer = "keeps-writing@example.org";
        Response created = api.openCase("Keeps Writing", customer, "Still there", "first");
        String uuid = created.at("/uuid");
        // what a case of a version that did not refuse the support address may hold
        jdbc.update("INSERT INTO mail_participant (case_id, email_key, email, name, team, role)"
                + " VALUES (?::uuid, ?, ?, 'Loop', FALSE, 'participant')", uuid, MailServers.SUPPORT, MailServers.SUPPORT);
        try {
            assertThat(api.post("/case/" + uuid + "/messages", """
                    {"from": "%s", "message": "second"}""".formatted(customer)).status()).isEqualTo(201);
            MAIL.awaitReceived("ben@team.test", created.at("/reference"), 2, PATIENCE);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM mail_outbox WHERE case_id = ?::uuid"
                    + " AND recipient_key = ?", Long.class, uuid, MailServers.SUPPORT)).isZero();
        } finally {
            // the events know no such participant: the repair of a rebuild would remove it (the last test counts that)
            jdbc.update("DELETE FROM mail_participant WHERE case_id = ?::uuid AND email_key = ?", uuid,
                    MailServers.SUPPORT);
        }
    }

    @Test
    void ourOwnMailRedirectedBackToTheSupportMailboxIsKeptButNeverPostedNorAnswered() throws Exception {
        api.post("/config", "[{\"caseSendCopy\": true}]");
        try {
            String customer = "redirects@example.org";
            Response created = api.openCase("Redirects Everything", customer, "Forwarded back", "first");
            String uuid = created.at("/uuid");
            String reference = created.at("/reference");
            byte[] ours = MAIL.awaitReceived(customer, reference, 1, PATIENCE).get(0);
            MAIL.awaitReceived("ben@team.test", reference, 1, PATIENCE);
            int mailsBefore = MAIL.allReceived().size();

            // the customer's mailbox redirects everything to the support address, headers as they were
            MAIL.sendToSupport(ours);

            await().atMost(PATIENCE).until(() -> !inbound(messageId(ours)).isEmpty()
                    && ImapFolders.count(MAIL.supportServer(), MailServers.SUPPORT, MailServers.SUPPORT_PASSWORD,
                    "INBOX") == 0);
            Map<String, Object> kept = inbound(messageId(ours)).get(0);
            assertThat(kept.get("outcome")).isEqualTo("OWN_MAIL");
            assertThat(kept.get("case_id")).hasToString(uuid);
            assertThat(kept.get("sender")).isEqualTo(MailServers.SUPPORT);

            await().pollDelay(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> true);
            assertThat(api.get("/case/" + uuid).json().get("messages")).hasSize(1);
            assertThat(api.get("/cases?participant=" + MailServers.SUPPORT).json().get("total").asLong()).isZero();
            assertThat(MAIL.allReceived()).as("nobody was written to about it").hasSize(mailsBefore);
        } finally {
            api.post("/config", "[{\"caseSendCopy\": null}]");
        }
    }

    @Test
    void mailFromTheSupportAddressOrWithAMessageIdOfOursIsKeptButNeverOpensACase() {
        Response fromUs = receive("""
                From: "Acme Support" <Support+k7qm@CASEY.test>
                To: %s
                Subject: Hello from ourselves
                Message-ID: <from-us-1@elsewhere.example>
                Content-Type: text/plain; charset=UTF-8

                Which loop?
                """.formatted(MailServers.SUPPORT));
        assertThat(fromUs.status()).as(fromUs.text()).isEqualTo(200);
        assertThat(fromUs.at("/outcome")).isEqualTo("own_mail");
        assertThat(fromUs.at("/case")).isNull();

        // our Message-ID at our domain, its outbox row gone (or never ours to keep): still our own mail
        Response ourId = receive("""
                From: Relay <relay@example.org>
                To: %s
                Subject: Re: an old mail
                Message-ID: <casey.abcdefghijklmnopqrstuvwxyz@casey.test>
                Content-Type: text/plain; charset=UTF-8

                Sent round again.
                """.formatted(MailServers.SUPPORT));
        assertThat(ourId.status()).as(ourId.text()).isEqualTo(200);
        assertThat(ourId.at("/outcome")).isEqualTo("own_mail");

        assertThat(api.get("/cases?participant=support%2Bk7qm@casey.test").json().get("total").asLong()).isZero();
        assertThat(api.get("/cases?participant=relay@example.org").json().get("total").asLong()).isZero();
        assertThat(inbound("from-us-1@elsewhere.example")).singleElement()
                .satisfies(row -> assertThat(row.get("outcome")).isEqualTo("OWN_MAIL"));
    }

    /** Last: the mails of its posts may still be on their way when it ends (the tests above count mails). */
    @Test
    @Order(Integer.MAX_VALUE)
    void aTeamMembersFormerAddressStaysMaskedInMailToCustomersAlsoAfterARepairAndTheirMailFollowsThem() {
        String ann = "ann@team.test";
        api.person("Ann Lee", ann, true);
        String dan = api.person("Dan Moss", "dan@team.test", true);
        Response opened = api.openCase("Carla", "carla@example.org", "Where to write", "Whom do I write to?");
        String reference = opened.at("/reference");
        MAIL.awaitReceived("carla@example.org", reference, 1, PATIENCE);
        MAIL.awaitReceived("dan@team.test", reference, 1, PATIENCE); // invited while he had it
        assertThat(api.patch("/persons/" + dan, "{\"email\": \"Dan.New@Team.test\"}").status()).isEqualTo(200);

        post(opened.at("/uuid"), ann, "Write to ann@team.test or Dan.New@Team.test or dan@team.test");
        String text = Mails.text(MAIL.awaitReceived("carla@example.org", reference, 2, PATIENCE).get(1));
        assertThat(text).contains("Write to " + MailServers.SUPPORT).doesNotContain("team.test");

        // the rebuild knows the former address from the events, as the service did
        assertThat(api.post("/admin/read-models/rebuild").json().get("repaired").get("mailDirectory").asLong()).isZero();
        jdbc.update("DELETE FROM mail_team_former_address");
        assertThat(api.post("/admin/read-models/rebuild").json().get("repaired").get("mailDirectory").asLong())
                .isEqualTo(1);
        post(opened.at("/uuid"), ann, "Or still dan@team.test.");
        assertThat(Mails.text(MAIL.awaitReceived("carla@example.org", reference, 3, PATIENCE).get(2)))
                .contains("Or still " + MailServers.SUPPORT).doesNotContain("team.test");

        // the case's mail follows Dan to his new address, once also after he has written from there himself
        post(opened.at("/uuid"), "dan.new@team.test", "Dan here.");
        post(opened.at("/uuid"), ann, "Thanks, Dan.");
        MAIL.awaitReceived("carla@example.org", reference, 5, PATIENCE);
        assertThat(MAIL.awaitReceived("dan.new@team.test", reference, 3, PATIENCE)).hasSize(3);
        assertThat(MAIL.receivedBy("dan@team.test", reference)).hasSize(1);
        // nor does someone outside the team who takes the former address since take Dan's mail
        api.person("Dana Other", "dan@team.test", false);
        post(opened.at("/uuid"), ann, "One more thing.");
        assertThat(MAIL.awaitReceived("dan.new@team.test", reference, 4, PATIENCE)).hasSize(4);
        assertThat(MAIL.receivedBy("dan@team.test", reference)).hasSize(1);
    }

    private void post(String uuid, String from, String message) {
        assertThat(api.post("/case/" + uuid + "/messages", """
                {"from": "%s", "message": "%s"}""".formatted(from, message)).status()).isEqualTo(201);
    }

    private Response receive(String raw) {
        return api.post("/mail/inbound", "message/rfc822", raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    private List<Map<String, Object>> inbound(String messageId) {
        return jdbc.queryForList("SELECT outcome, case_id, sender FROM inbound_mail WHERE message_id = ?", messageId);
    }
}
