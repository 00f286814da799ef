package dev.casey.server;

import static dev.casey.server.MailConversationTests.configFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.casey.server.Api.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** A team member changes their e-mail address while cases go on, with real mail servers around the service. */
class TeamAddressChangeTests extends ServiceTest {

    static final MailServers MAIL = new MailServers();
    static final Duration PATIENCE = Duration.ofSeconds(20);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casey.data-dir", () -> newDataDir("address").toString());
        registry.add("casey.config-file", () -> configFile(MAIL.config("")).toString());
        registry.add("casey.outbox.first-retry", () -> "200ms");
    }

    @AfterAll
    static void stopMail() {
        MAIL.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    Api api;

    @BeforeEach
    void api() {
        api = new Api(port);
    }

    @Test
    void aTeamMembersFormerAddressStaysMaskedInMailToCustomersAlsoAfterARepair() {
        String ann = "ann@team.test";
        api.person("Ann Lee", ann, true);
        String ben = api.person("Ben Foo", "ben@team.test", true);
        Response opened = api.openCase("Carla", "carla@example.org", "Where to write", "Whom do I write to?");
        String reference = opened.at("/reference");
        awaitMail("carla@example.org", reference, 1);
        assertThat(api.patch("/persons/" + ben, "{\"email\": \"Ben.New@Team.test\"}").status()).isEqualTo(200);

        post(opened.at("/uuid"), ann, "Write to ann@team.test or Ben.New@Team.test or ben@team.test");
        String text = Mails.text(awaitMail("carla@example.org", reference, 2).get(1));
        assertThat(text).contains("Write to " + MailServers.SUPPORT).doesNotContain("team.test");

        // the rebuild knows the former address from the events, as the service did
        assertThat(api.post("/admin/read-models/rebuild").json().get("repaired").get("mailDirectory").asLong()).isZero();
        jdbc.update("DELETE FROM mail_team_former_address WHERE person_id = ?::uuid", ben);
        assertThat(api.post("/admin/read-models/rebuild").json().get("repaired").get("mailDirectory").asLong())
                .isEqualTo(1);
        post(opened.at("/uuid"), ann, "Or still ben@team.test.");
        assertThat(Mails.text(awaitMail("carla@example.org", reference, 3).get(2))).contains("Or still "
                + MailServers.SUPPORT).doesNotContain("team.test");
    }

    @Test
    void aMemberWhoChangedAddressIsMailedAtTheNewOneOnlyAndWritesFromItAsTheSameParticipant() {
        String dan = api.person("Dan Roe", "dan@team.test", true);
        Response opened = api.openCase("Erik", "erik@example.org", "Slow login", "Login takes a minute.");
        String uuid = opened.at("/uuid");
        String reference = opened.at("/reference");
        awaitMail("dan@team.test", reference, 1);
        post(uuid, "dan@team.test", "Looking into it.");
        awaitMail("erik@example.org", reference, 2);

        assertThat(api.patch("/persons/" + dan, "{\"email\": \"Dan.New@team.test\"}").status()).isEqualTo(200);
        await().atMost(PATIENCE).until(() -> participants(uuid).contains("Dan.New@team.test"));
        assertThat(participants(uuid)).containsExactly("erik@example.org", "Dan.New@team.test");

        MAIL.sendToSupport("""
                From: Erik <erik@example.org>
                To: %s
                Subject: Re: [Casey %s] Slow login
                Message-ID: <erik-1@example.org>
                Content-Type: text/plain; charset=UTF-8

                It is slow since Monday.
                """.formatted(MailServers.SUPPORT, reference));
        assertThat(Mails.text(awaitMail("dan.new@team.test", reference, 1).get(0))).contains("It is slow since Monday.");
        assertThat(mailsTo(uuid, "dan@team.test")).as("the notification before the change, nothing after").isEqualTo(1);

        post(uuid, "dan.new@TEAM.test", "Fixed, please try again.");
        assertThat(Mails.text(awaitMail("erik@example.org", reference, 3).get(2))).contains("Fixed, please try again.")
                .doesNotContain("team.test");
        assertThat(participants(uuid)).containsExactly("erik@example.org", "Dan.New@team.test");
        assertThat(mailsTo(uuid, "dan.new@team.test")).as("no copy of his own post").isEqualTo(1);
        assertThat(mailsTo(uuid, "dan@team.test")).isEqualTo(1);
        assertThat(api.get("/case/" + uuid + "/history").json().get("events").toString())
                .contains("ParticipantAddressChangedEvent");
        assertThat(api.post("/admin/read-models/rebuild").json().get("repaired").get("mailDirectory").asLong()).isZero();
    }

    @Test
    void thePersonsCasesAreListedWhateverAddressTheyHad() {
        String gus = api.person("Gus", "gus@example.org", false);
        String first = api.openCase("Gus", "gus@example.org", "Invoice", "Wrong amount.").at("/uuid");
        assertThat(api.patch("/persons/" + gus, "{\"email\": \"gus.new@example.org\"}").status()).isEqualTo(200);
        await().atMost(PATIENCE).until(() -> participants(first).contains("gus.new@example.org"));
        // from the old address still, after it was left
        String second = api.openCase("Gus", "gus@example.org", "Invoice again", "Still wrong.").at("/uuid");

        JsonNode cases = api.get("/persons/" + gus + "/cases").json();
        assertThat(cases.get("total").asLong()).isEqualTo(2);
        assertThat(cases.get("cases").findValuesAsString("uuid")).containsExactlyInAnyOrder(first, second);
        assertThat(api.get("/persons/" + gus + "/cases?size=1&page=1").json().get("cases").size()).isEqualTo(1);
    }

    private List<String> participants(String uuid) {
        List<String> emails = new ArrayList<>();
        api.get("/case/" + uuid).json().get("participants").forEach(p -> emails.add(p.get("email").asString()));
        return emails;
    }

    private long mailsTo(String uuid, String address) {
        return jdbc.queryForObject("SELECT count(*) FROM mail_outbox WHERE case_id = ?::uuid AND recipient_key = ?",
                Long.class, uuid, address);
    }

    private void post(String uuid, String from, String message) {
        assertThat(api.post("/case/" + uuid + "/messages", """
                {"from": "%s", "message": "%s"}""".formatted(from, message)).status()).isEqualTo(201);
    }

    static List<byte[]> awaitMail(String address, String reference, int count) {
        return MAIL.awaitReceived(address, reference, count, PATIENCE);
    }
}
