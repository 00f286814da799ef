package dev.casey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.casey.server.Api.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A store upgraded from a version before {@code mail_team_former_address} (2026-12-02, 08:15) or before {@code
 * mail_team.was_team} has what the migrations could not tell filled in from the events at the first start, without a
 * read-model rebuild.
 */
class MailDirectoryUpgradeTests {

    static final Duration PATIENCE = Duration.ofSeconds(30);
    /**
     * A store is taken back to an older version by undoing some migrations, but not those that came after them: the
     * undone ones are run again among those already applied.
     */
    static final String MIGRATIONS_TAKEN_BACK = "--spring.flyway.out-of-order=true";

    @Test
    void aTeamMemberWhoChangedAddressBeforeTheUpgradeIsMailedAtTheNewOneAndTheFormerOneStaysMasked() throws Exception {
        Path dataDir = Files.createTempDirectory("casey-upgrade-");
        try (MailServers mail = new MailServers()) {
            Path config = MailConversationTests.configFile(mail.config(""));
            String uuid;
            String reference;
            try (ConfigurableApplicationContext old = Services.start(dataDir, "--casey.config-file=" + config)) {
                Api api = Services.api(old);
                JdbcTemplate jdbc = old.getBean(JdbcTemplate.class);
                assertThat(dueRepairs(jdbc)).as("a new installation has nothing to repair").isZero();
                api.person("Ann Stay", "ann@team.test", true);
                String dora = api.person("Dora Moved", "dora@team.test", true);
                Response opened = api.openCase("Some User", "some.user@example.org", "Dora's case", "hello?");
                uuid = opened.at("/uuid");
                reference = opened.at("/reference");
                assertThat(api.post("/case/" + uuid + "/messages",
                        "{\"from\": \"dora@team.test\", \"message\": \"On it\"}").status()).isEqualTo(201);
                mail.awaitReceived("some.user@example.org", reference, 2, PATIENCE);
                assertThat(api.patch("/persons/" + dora, "{\"email\": \"dora.new@team.test\"}").status()).isEqualTo(200);
                await().atMost(PATIENCE).until(() -> jdbc.queryForObject(
                        "SELECT count(*) FROM mail_team_former_address", Integer.class) == 1);
                // as a version before the table left it; the migrations that mark the repair due are yet to run
                jdbc.update("DELETE FROM mail_team_former_address");
                jdbc.update("DROP TABLE mail_directory_repair_due");
                jdbc.update("DELETE FROM flyway_schema_history WHERE version = '20261202.1800'");
                beforeWasTeam(jdbc);
            }
            int toFormerBefore = mail.receivedBy("dora@team.test", reference).size();
            try (ConfigurableApplicationContext upgraded = Services.start(dataDir, "--casey.config-file=" + config,
                    MIGRATIONS_TAKEN_BACK)) {
                Api api = Services.api(upgraded);
                JdbcTemplate jdbc = upgraded.getBean(JdbcTemplate.class);
                await().atMost(PATIENCE).until(() -> dueRepairs(jdbc) == 0);
                assertThat(jdbc.queryForList("SELECT email FROM mail_team_former_address", String.class))
                        .containsExactly("dora@team.test");

                assertThat(api.post("/case/" + uuid + "/messages", "{\"from\": \"ann@team.test\", \"message\": "
                        + "\"Our colleague (formerly dora@team.test) will call you.\"}").status()).isEqualTo(201);
                byte[] toCustomer = mail.awaitReceived("some.user@example.org", reference, 3, PATIENCE).get(2);
                assertThat(Mails.text(toCustomer))
                        .contains("Our colleague (formerly " + MailServers.SUPPORT + ") will call you.")
                        .doesNotContain("dora@team.test");
                assertThat(Mails.text(mail.awaitReceived("dora.new@team.test", reference, 1, PATIENCE).get(0)))
                        .contains("will call you.");
                await().pollDelay(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> true);
                assertThat(mail.receivedBy("dora@team.test", reference)).as("nothing more to the address given up")
                        .hasSize(toFormerBefore);
            }
        }
    }

    /**
     * A store of the version before {@code mail_team.was_team} (2026-12-03, 08:00): a team member who left without
     * taking part in a case is found to have been in the team from their events at the first start (the migration can
     * only tell those who took part), and the team is then looked for among those who were.
     */
    @Test
    void whoWasEverInTheTeamIsFilledInFromTheEventsOfAStoreFromBefore() throws Exception {
        Path dataDir = Files.createTempDirectory("casey-upgrade-");
        String nico;
        String carl;
        try (ConfigurableApplicationContext old = Services.start(dataDir)) {
            Api api = Services.api(old);
            JdbcTemplate jdbc = old.getBean(JdbcTemplate.class);
            api.person("Ann Stay", "ann@team.test", true);
            nico = api.person("Nico Brief", "nico@team.test", true);
            assertThat(api.post("/persons/" + nico + "/retire").status()).isEqualTo(200);
            carl = api.person("Carl Customer", "carl@example.org", false);
            beforeWasTeam(jdbc);
        }
        try (ConfigurableApplicationContext upgraded = Services.start(dataDir, MIGRATIONS_TAKEN_BACK)) {
            JdbcTemplate jdbc = upgraded.getBean(JdbcTemplate.class);
            await().atMost(PATIENCE).until(() -> dueRepairs(jdbc) == 0);
            assertThat(jdbc.queryForMap("SELECT active, was_team FROM mail_team WHERE person_id = ?::uuid", nico))
                    .containsEntry("active", false).containsEntry("was_team", true);
            assertThat(jdbc.queryForObject("SELECT was_team FROM mail_team WHERE person_id = ?::uuid", Boolean.class,
                    carl)).isFalse();
            assertThat(jdbc.queryForList("SELECT name FROM mail_team WHERE was_team ORDER BY name", String.class))
                    .containsExactly("Ann Stay", "Nico Brief");
        }
    }

    /** Takes the store back to the version before {@code mail_team.was_team}, whose migration is yet to run. */
    private static void beforeWasTeam(JdbcTemplate jdbc) {
        jdbc.update("DROP TRIGGER mail_team_was_team ON mail_team");
        jdbc.update("DROP FUNCTION mail_team_was_team()");
        jdbc.update("DELETE FROM flyway_schema_history WHERE version = '20261203.0820'");
        jdbc.update("ALTER TABLE mail_team DROP COLUMN was_team");
        jdbc.update("DROP INDEX mail_participant_team_key");
        jdbc.update("DELETE FROM flyway_schema_history WHERE version = '20261203.0800'");
    }

    private static int dueRepairs(JdbcTemplate jdbc) {
        return jdbc.queryForObject("SELECT count(*) FROM mail_directory_repair_due", Integer.class);
    }
}
