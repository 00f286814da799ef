package dev.casey.server;

import static dev.casey.server.MailConversationTests.configFile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casey.server.Api.Response;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

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
        jdbc.update("DELETE FROM mail_team_former_address");
        assertThat(api.post("/admin/read-models/rebuild").json().get("repaired").get("mailDirectory").asLong())
                .isEqualTo(1);
        post(opened.at("/uuid"), ann, "Or still ben@team.test.");
        assertThat(Mails.text(awaitMail("carla@example.org", reference, 3).get(2))).contains("Or still "
                + MailServers.SUPPORT).doesNotContain("team.test");
    }

    private void post(String uuid, String from, String message) {
        assertThat(api.post("/case/" + uuid + "/messages", """
                {"from": "%s", "message": "%s"}""".formatted(from, message)).status()).isEqualTo(201);
    }

    static List<byte[]> awaitMail(String address, String reference, int count) {
        return MAIL.awaitReceived(address, reference, count, PATIENCE);
    }
}
