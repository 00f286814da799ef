package dev.casey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import dev.casey.api.supportcase.PostMessageCommand;
import dev.casey.mailgateway.cases.MailDirectory;
import dev.casey.mailgateway.cases.MailDirectoryRepair;
import dev.casey.query.ReadModelRebuild;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The mail directory's repair against commands running meanwhile: what a command writes while a group is compared is
 * never undone; and the team the directory keeps. (What the repair puts right is shown in MailConversationTests, after
 * real conversations.)
 */
class MailDirectoryRepairTests extends ServiceTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casey.data-dir", () -> newDataDir("repair").toString());
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MailDirectoryRepair repair;
    @Autowired
    MailDirectory directory;
    @Autowired
    ReadModelRebuild rebuild;
    @Autowired
    CommandGateway commands;
    Api api;

    @BeforeEach
    void api() {
        api = new Api(port);
    }

    /**
     * A command that changes a row the repair is about to put right wins: the repair's write is refused by PostgreSQL
     * (its snapshot is older than the row) and the case is compared again, now agreeing with the events.
     */
    @Test
    void aCommandThatChangesTheDirectoryDuringItsRepairIsNotUndone() {
        UUID caseId = openCase("gus@example.org");
        jdbc.update("UPDATE mail_case SET status = 'EXPIRED' WHERE case_id = ?", caseId);
        AtomicInteger compared = new AtomicInteger();
        long repaired = repair.repair(List.of(caseId), 1, group -> {
            if (compared.incrementAndGet() == 1) {
                // the repair read the case as open, with its row saying expired; now it is closed, row and events
                assertThat(api.post("/case/" + caseId + "/close").status()).isEqualTo(200);
            }
        }, done -> { });
        assertThat(compared).as("compared again after losing the race").hasValue(2);
        assertThat(repaired).as("the command had put the row right by then").isZero();
        assertThat(status(caseId)).isEqualTo("CLOSED");
    }

    /**
     * The race the snapshot cannot see: the case's rows are missing (a store copied without the mail tables), so the
     * command's UPDATE of the status finds nothing and conflicts with nothing, and the repair adds the row as its
     * snapshot had the case. The pass after it, over the cases the first one changed, sees the command's events.
     */
    @Test
    void aStatusChangeWhileTheRepairAddsTheMissingRowIsNotUndone() {
        UUID caseId = openCase("hal@example.org");
        long rows = jdbc.queryForObject("SELECT 1 + (SELECT count(*) FROM mail_participant WHERE case_id = ?)"
                + " + (SELECT count(*) FROM mail_message WHERE case_id = ?)", Long.class, caseId, caseId);
        forget(caseId);
        AtomicInteger compared = new AtomicInteger();
        long repaired = repair.repair(List.of(caseId), 1, group -> {
            if (compared.incrementAndGet() == 1) {
                assertThat(api.post("/case/" + caseId + "/close").status()).isEqualTo(200);
            }
        }, done -> { });
        assertThat(status(caseId)).as("as the events say").isEqualTo("CLOSED");
        assertThat(compared).as("added, put right, found right").hasValue(3);
        assertThat(repaired).as("the case's rows; then its status").isEqualTo(rows + 1);
        assertThat(repair.repair(List.of(caseId), done -> { })).isZero();
    }

    /**
     * A row the events do not justify, exactly as a command is about to write it: the command's write of a row that
     * stays the same only locks it, which is no conflict, and the repair drops it; the next pass adds it back.
     */
    @Test
    void aParticipantRowACommandJustifiesMeanwhileIsKept() {
        UUID caseId = openCase("jo@example.org");
        api.person("Kim", "kim@team.test", true); // after the opening: not invited to it
        jdbc.update("INSERT INTO mail_participant VALUES (?, 'kim@team.test', 'kim@team.test', 'Kim', true, "
                + "'participant')", caseId);
        AtomicInteger compared = new AtomicInteger();
        repair.repair(List.of(caseId), 1, group -> {
            if (compared.incrementAndGet() == 1) {
                assertThat(api.post("/case/" + caseId + "/messages",
                        "{\"from\": \"kim@team.test\", \"message\": \"me too\"}").status()).isEqualTo(201);
            }
        }, done -> { });
        assertThat(jdbc.queryForObject("SELECT role FROM mail_participant WHERE case_id = ? AND email_key = ?",
                String.class, caseId, "kim@team.test")).isEqualTo("participant");
    }

    /** The rebuild lists the persons before the repair; one registered in between keeps their team row. */
    @Test
    void personsRegisteredDuringRebuildsKeepTheirTeamRows() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> registered = Collections.synchronizedList(new ArrayList<>());
        Thread registering = new Thread(() -> {
            Api own = new Api(port);
            for (int i = 0; running.get(); i++) {
                registered.add(own.person("Racer " + i, "racer" + i + "@team.test", true));
            }
        });
        registering.start();
        try {
            for (int i = 0; i < 10; i++) {
                rebuild.rebuild();
            }
        } finally {
            running.set(false);
            registering.join();
        }
        assertThat(registered).isNotEmpty();
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM (SELECT DISTINCT aggregateidentifier FROM domainevententry WHERE type = 'Person') p
                 WHERE NOT EXISTS (SELECT 1 FROM mail_team t WHERE t.person_id::text = p.aggregateidentifier)""",
                Long.class)).as("persons without a team row").isZero();
    }

    /**
     * The team whose addresses and names mail keeps from customers: those in it now, and those who left it after taking
     * part in a case as a member (under any of their addresses); never a registered customer, also not one registered
     * at an address a member gave up, nor one who was in the team once without taking part anywhere.
     */
    @Test
    void theTeamIsWhoeverIsInItOrTookPartAsAMemberNeverACustomer() {
        api.person("Tara Now", "tara@team.test", true);
        String rita = api.person("Rita Gone", "rita@team.test", true);
        UUID caseId = openCase("ola@example.org");
        assertThat(api.post("/case/" + caseId + "/messages", "{\"from\": \"rita@team.test\", \"message\": \"on it\"}")
                .status()).isEqualTo(201);
        assertThat(api.patch("/persons/" + rita, "{\"email\": \"rita@elsewhere.test\"}").status()).isEqualTo(200);
        assertThat(api.post("/persons/" + rita + "/retire").status()).isEqualTo(200);
        api.person("Rick Taker", "rita@team.test", false);
        String nico = api.person("Nico Brief", "nico@team.test", true);
        assertThat(api.post("/persons/" + nico + "/retire").status()).isEqualTo(200);
        api.person("Carl Customer", "carl@example.org", false);

        MailDirectory.Team team = directory.team();
        assertThat(team.names()).contains("Tara Now", "Rita Gone").doesNotContain("Rick Taker", "Nico Brief",
                "Carl Customer");
        assertThat(team.addresses()).contains("tara@team.test", "rita@elsewhere.test", "rita@team.test")
                .doesNotContain("nico@team.test", "carl@example.org");
    }

    /**
     * Whether someone was ever in the team (the team is looked for among them only) is put right from their events:
     * a customer taken into the team and out again was, one who never was in it was not.
     */
    @Test
    void whetherSomeoneWasEverInTheTeamIsPutRightFromTheirEvents() {
        String pia = api.person("Pia", "pia@example.org", false);
        assertThat(api.patch("/persons/" + pia, "{\"team\": true}").status()).isEqualTo(200);
        assertThat(api.patch("/persons/" + pia, "{\"team\": false}").status()).isEqualTo(200);
        String udo = api.person("Udo", "udo@example.org", false);
        assertThat(wasTeam(pia)).isTrue();
        assertThat(wasTeam(udo)).isFalse();
        jdbc.update("UPDATE mail_team SET was_team = NOT was_team WHERE person_id IN (?::uuid, ?::uuid)", pia, udo);

        assertThat(repair.repair(List.of(), done -> { })).isEqualTo(2);
        assertThat(wasTeam(pia)).isTrue();
        assertThat(wasTeam(udo)).isFalse();
        jdbc.update("UPDATE mail_team SET active = TRUE WHERE person_id = ?::uuid", udo);
        assertThat(wasTeam(udo)).as("in the team now is in the team ever").isTrue();
        jdbc.update("UPDATE mail_team SET active = FALSE, was_team = FALSE WHERE person_id = ?::uuid", udo);
    }

    /**
     * An instance of the version before {@code was_team} (instances upgraded one after the other) writes team rows
     * without it: a member it registers, or a customer it takes into the team, is in the team ever all the same, and
     * stays in it once they retired after taking part.
     */
    @Test
    void aTeamMemberWrittenByAnInstanceOfTheVersionBeforeWasTeamWasInTheTeam() {
        UUID registered = UUID.randomUUID();
        String promoted = api.person("Olga Older", "olga.older@example.org", false);
        String older = """
                INSERT INTO mail_team (person_id, email_key, email, name, active) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (person_id) DO UPDATE SET email_key = EXCLUDED.email_key, email = EXCLUDED.email,
                       name = EXCLUDED.name, active = EXCLUDED.active""";
        jdbc.update(older, registered, "oscar.older@team.test", "oscar.older@team.test", "Oscar Older", true);
        jdbc.update(older, UUID.fromString(promoted), "olga.older@example.org", "olga.older@example.org",
                "Olga Older", true);
        jdbc.update("UPDATE mail_team SET active = FALSE WHERE person_id IN (?, ?::uuid)", registered, promoted);

        assertThat(wasTeam(registered.toString())).isTrue();
        assertThat(wasTeam(promoted)).isTrue();
        // as the events have them, for the other tests
        jdbc.update("DELETE FROM mail_team WHERE person_id = ?", registered);
        jdbc.update("UPDATE mail_team SET was_team = FALSE WHERE person_id = ?::uuid", promoted);
    }

    /**
     * The team read among those who were ever in it is the team the query before {@code was_team} read (7461b5b^), for
     * every kind of person, but for customers registered at an address a team member took part with and gave up; so
     * also after the repair has set who was ever in the team from the events.
     */
    @Test
    void theTeamIsTheOneTheQueryBeforeWasTeamReadButForCustomersAtAnAddressAMemberGaveUp() {
        UUID caseId = openCase("eq.customer@example.org");
        api.person("Eq Active", "eq.active@team.test", true);
        String tookPart = api.person("Eq Took Part", "eq.took@team.test", true);
        post(caseId, "eq.took@team.test");
        retire(tookPart);
        retire(api.person("Eq Never Took Part", "eq.never@team.test", true));
        api.person("Eq Customer", "eq.customer@example.org", false);
        String promotedOnly = api.person("Eq Promoted Only", "eq.promoted@example.org", false);
        patch(promotedOnly, "{\"team\": true}");
        patch(promotedOnly, "{\"team\": false}");
        String promotedTookPart = api.person("Eq Promoted Took Part", "eq.promoted.took@example.org", false);
        patch(promotedTookPart, "{\"team\": true}");
        post(caseId, "eq.promoted.took@example.org");
        patch(promotedTookPart, "{\"team\": false}");
        String moved = api.person("Eq Moved", "eq.moved@team.test", true);
        post(caseId, "eq.moved@team.test");
        patch(moved, "{\"email\": \"eq.moved.new@team.test\"}");
        String gone = api.person("Eq Gone", "eq.gone@team.test", true);
        post(caseId, "eq.gone@team.test");
        patch(gone, "{\"email\": \"eq.gone.new@team.test\"}");
        retire(gone);
        api.person("Eq Taker", "eq.gone@team.test", false);
        String back = api.person("Eq Back", "eq.back@team.test", true);
        post(caseId, "eq.back@team.test");
        patch(back, "{\"email\": \"eq.back.new@team.test\"}");
        patch(back, "{\"email\": \"eq.back@team.test\"}");
        retire(back);
        String customerFirst = api.person("Eq Customer First", "eq.first@example.org", false);
        UUID own = openCase("eq.first@example.org");
        patch(customerFirst, "{\"team\": true}");
        retire(customerFirst);

        for (int round = 0; round < 2; round++) {
            MailDirectory.Team team = directory.team();
            Set<String> oldNames = new HashSet<>();
            Set<String> oldAddresses = new HashSet<>();
            jdbc.query("""
                    WITH member AS (
                        SELECT m.person_id, m.email, m.name FROM mail_team m
                         WHERE m.active OR EXISTS (SELECT 1 FROM mail_participant p WHERE p.team
                               AND (p.email_key = m.email_key OR p.email_key IN (SELECT f.email_key
                                     FROM mail_team_former_address f WHERE f.person_id = m.person_id))))
                    SELECT email, name FROM member
                    UNION ALL
                    SELECT f.email, NULL FROM mail_team_former_address f JOIN member USING (person_id)""", rs -> {
                oldAddresses.add(rs.getString(1));
                if (rs.getString(2) != null) {
                    oldNames.add(rs.getString(2));
                }
            });
            Set<String> lostNames = new HashSet<>(oldNames);
            team.names().forEach(lostNames::remove);
            Set<String> lostAddresses = new HashSet<>(oldAddresses);
            team.addresses().forEach(lostAddresses::remove);
            assertThat(oldNames).as("round " + round).containsAll(team.names());
            assertThat(oldAddresses).as("round " + round).containsAll(team.addresses());
            List<String> neverInTheTeam = jdbc.queryForList("SELECT name FROM mail_team WHERE NOT was_team",
                    String.class);
            assertThat(lostNames).as("round " + round).contains("Eq Taker");
            assertThat(neverInTheTeam).as("round " + round).containsAll(lostNames);
            assertThat(lostAddresses).as("round " + round).isEmpty();
            assertThat(team.names()).as("round " + round).contains("Eq Active", "Eq Took Part",
                    "Eq Promoted Took Part", "Eq Moved", "Eq Gone", "Eq Back").doesNotContain("Eq Never Took Part",
                    "Eq Customer", "Eq Promoted Only", "Eq Customer First");
            jdbc.update("INSERT INTO mail_directory_repair_due (part) VALUES ('team') ON CONFLICT DO NOTHING");
            repair.repair(List.of(caseId, own), done -> { });
        }
    }

    private void post(UUID caseId, String from) {
        assertThat(api.post("/case/" + caseId + "/messages", "{\"from\": \"" + from + "\", \"message\": \"on it\"}")
                .status()).isEqualTo(201);
    }

    private void patch(String person, String body) {
        assertThat(api.patch("/persons/" + person, body).status()).as(body).isEqualTo(200);
    }

    private void retire(String person) {
        assertThat(api.post("/persons/" + person + "/retire").status()).isEqualTo(200);
    }

    private boolean wasTeam(String personId) {
        return jdbc.queryForObject("SELECT was_team FROM mail_team WHERE person_id = ?::uuid", Boolean.class, personId);
    }

    /** Two team rows holding each other's address: each gets its own back (the address is unique among them). */
    @Test
    void teamRowsWithEachOthersAddressesArePutRight() {
        String lea = api.person("Lea", "lea@team.test", true);
        String max = api.person("Max", "max@team.test", true);
        jdbc.update("UPDATE mail_team SET email_key = 'swap', email = 'swap' WHERE person_id = ?::uuid", lea);
        jdbc.update("UPDATE mail_team SET email_key = 'lea@team.test', email = 'lea@team.test' WHERE person_id = ?::uuid",
                max);
        jdbc.update("UPDATE mail_team SET email_key = 'max@team.test', email = 'max@team.test' WHERE person_id = ?::uuid",
                lea);
        assertThat(repair.repair(List.of(), done -> { })).isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT email_key FROM mail_team WHERE person_id = ?::uuid", String.class, lea))
                .isEqualTo("lea@team.test");
        assertThat(jdbc.queryForObject("SELECT email FROM mail_team WHERE person_id = ?::uuid", String.class, max))
                .isEqualTo("max@team.test");
    }

    /**
     * Several instances starting at once on an upgraded store: one fills in the addresses the team gave up, the others
     * find it taken or done, and it is not due again.
     */
    @Test
    void theTeamRepairAnUpgradeLeftDueIsDoneOnceWhenSeveralStartAtOnce() throws Exception {
        String lena = api.person("Lena", "lena@team.test", true);
        assertThat(api.patch("/persons/" + lena, "{\"email\": \"lena.new@team.test\"}").status()).isEqualTo(200);
        jdbc.update("DELETE FROM mail_team_former_address WHERE person_id = ?::uuid", lena);
        jdbc.update("INSERT INTO mail_directory_repair_due (part) VALUES ('team')");
        int instances = 4;
        CyclicBarrier together = new CyclicBarrier(instances);
        ExecutorService starting = Executors.newFixedThreadPool(instances);
        List<Future<OptionalLong>> runs = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                runs.add(starting.submit(() -> {
                    together.await();
                    return repair.repairTeamIfDue();
                }));
            }
            List<OptionalLong> done = new ArrayList<>();
            for (Future<OptionalLong> run : runs) {
                done.add(run.get(60, TimeUnit.SECONDS));
            }
            assertThat(done).filteredOn(OptionalLong::isPresent).singleElement()
                    .satisfies(rows -> assertThat(rows.getAsLong()).isPositive());
        } finally {
            starting.shutdownNow();
        }
        assertThat(jdbc.queryForList("SELECT email FROM mail_team_former_address WHERE person_id = ?::uuid",
                String.class, lena)).containsExactly("lena@team.test");
        assertThat(repair.teamRepairDue()).isFalse();
        assertThat(repair.repairTeamIfDue()).isEmpty();
    }

    /** The rebuild's progress: every case counted once as compared, also the one a second pass compares again. */
    @Test
    void theRepairTellsHowManyCasesItHasComparedSoFar() {
        List<UUID> cases = List.of(openCase("ida@example.org"), openCase("ivo@example.org"), openCase("ira@example.org"));
        forget(cases.get(1));
        AtomicLong compared = new AtomicLong();
        List<Long> seenBeforeWriting = new ArrayList<>();
        repair.repair(cases, 1, group -> seenBeforeWriting.add(compared.get()), compared::addAndGet);
        assertThat(seenBeforeWriting).as("three groups, then the changed case again").containsExactly(0L, 1L, 2L, 3L);
        assertThat(compared).hasValue(3);
    }

    /**
     * Text the HTTP API refuses now but let through before: an unpaired surrogate, kept as it is in the event and as
     * "?" in the row. The directory agrees with its events, and a rebuild finds nothing to put right, every time.
     */
    @Test
    void anUnpairedSurrogateRecordedEarlierIsNoDifference() {
        UUID caseId = openCase("una@example.org");
        commands.sendAndWait(new PostMessageCommand(caseId, UUID.randomUUID(), "una@example.org", "Una \uD800",
                "broken \uDC00 text", null, List.of(), Actor.person("Una", "una@example.org"), Source.HTTP));
        assertThat(jdbc.queryForObject("SELECT body FROM mail_message WHERE case_id = ? AND body LIKE 'broken%'",
                String.class, caseId)).isEqualTo("broken ? text");
        assertThat(repair.repair(List.of(caseId), done -> { })).isZero();
        assertThat(repair.repair(List.of(caseId), done -> { })).isZero();
    }

    private UUID openCase(String creator) {
        return UUID.fromString(api.openCase("Someone", creator, "Repair", "hello").at("/uuid"));
    }

    private void forget(UUID caseId) {
        jdbc.update("DELETE FROM mail_message WHERE case_id = ?", caseId);
        jdbc.update("DELETE FROM mail_participant WHERE case_id = ?", caseId);
        jdbc.update("DELETE FROM mail_case WHERE case_id = ?", caseId);
    }

    private String status(UUID caseId) {
        return jdbc.queryForObject("SELECT status FROM mail_case WHERE case_id = ?", String.class, caseId);
    }

    /**
     * The mails of one event and a command's events go to PostgreSQL as one multi-row INSERT: the driver's property
     * of application.yml reaches the embedded database's connections too, not only an external one's.
     */
    @Test
    void batchedInsertsAreSentAsOneStatement() throws Exception {
        try (java.sql.Connection connection = jdbc.getDataSource().getConnection()) {
            assertThat(connection.unwrap(org.postgresql.core.BaseConnection.class).getQueryExecutor()
                    .isReWriteBatchedInsertsEnabled()).isTrue();
        }
    }

    /**
     * Mail planning takes a posted message as its insert returns it; an event handled again (a retry, a replay) inserts
     * nothing and gets the message as first stored.
     */
    @Test
    void aMessagePostedAgainIsGivenAsFirstStored() {
        UUID caseId = openCase("again@example.org");
        UUID messageId = UUID.randomUUID();
        java.time.Instant at = java.time.Instant.parse("2026-12-03T10:00:00.123456789Z");
        dev.casey.api.supportcase.Participant author = new dev.casey.api.supportcase.Participant("again@example.org",
                "Again", false, null);
        MailDirectory.Posting first = directory.messagePosted(caseId, messageId, author, "first", at, null, null, 5);
        assertThat(first.message().body()).isEqualTo("first");
        assertThat(first.message().postedAt()).as("as stored: microseconds")
                .isEqualTo(directory.message(messageId).orElseThrow().postedAt());
        assertThat(first.kase()).isEqualTo(directory.find(caseId).orElseThrow());
        MailDirectory.Posting again = directory.messagePosted(caseId, messageId, author, "changed", at.plusSeconds(1),
                null, null, 5);
        assertThat(again.message()).isEqualTo(first.message());
        assertThat(again.kase()).as("read as usual").isNull();
        assertThat(again.before()).as("read as usual").isNull();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM mail_message WHERE message_id = ?", Long.class, messageId))
                .isEqualTo(1L);
    }

    /**
     * The messages a new one's mails quote come with its posting, as the history would read them: the ones before
     * it (to the microsecond it is stored with), newest first, as many as asked for.
     */
    @Test
    void aPostedMessageComesWithTheMessagesBeforeItAsTheHistoryReadsThem() {
        UUID caseId = openCase("before@example.org");
        dev.casey.api.supportcase.Participant author = new dev.casey.api.supportcase.Participant("before@example.org",
                "Before", false, null);
        java.time.Instant at = java.time.Instant.parse("2026-12-03T10:00:00.000000100Z");
        MailDirectory.Posting posting = null;
        for (int n = 1; n <= 8; n++) {
            // the last two share their microsecond: the one stored first is not before the other
            at = at.plusNanos(n == 8 ? 200 : 1_000_300);
            posting = directory.messagePosted(caseId, UUID.randomUUID(), author, "message " + n, at, null, null, 5);
        }
        assertThat(posting.before()).extracting(MailDirectory.PostedMessage::body)
                .containsExactly("message 6", "message 5", "message 4", "message 3", "message 2");
        assertThat(posting.before()).isEqualTo(directory.history(caseId, posting.message().postedAt(), 5));
    }
}
