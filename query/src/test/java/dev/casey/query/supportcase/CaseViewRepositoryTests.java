package dev.casey.query.supportcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import dev.casey.api.supportcase.CaseOpenedEvent;
import dev.casey.api.supportcase.CaseStatus;
import dev.casey.api.supportcase.CaseView;
import dev.casey.api.supportcase.FindCasesQuery;
import dev.casey.api.supportcase.MessagePostedEvent;
import dev.casey.api.supportcase.MessageView;
import dev.casey.api.supportcase.Participant;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.support.TransactionTemplate;

/** The case read model in a real PostgreSQL: a rebuild replacing views while commands write them. */
class CaseViewRepositoryTests {

    private static final Actor CLIENT = Actor.apiClient("t");
    private static final Participant CUSTOMER = new Participant("c@other.tld", "C", false, null);
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private static EmbeddedPostgres postgres;
    private static JdbcTemplate jdbc;
    private static TransactionTemplate transactions;
    private static CaseViewRepository views;

    @BeforeAll
    static void database() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        DataSource dataSource = postgres.getPostgresDatabase();
        Resource[] migrations = new PathMatchingResourcePatternResolver()
                .getResources("classpath:db/migration/query/*.sql");
        Arrays.sort(migrations, Comparator.comparing(Resource::getFilename));
        new ResourceDatabasePopulator(migrations).execute(dataSource);
        jdbc = new JdbcTemplate(dataSource);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        views = new CaseViewRepository(jdbc);
    }

    @AfterAll
    static void stop() throws IOException {
        postgres.close();
    }

    @Test
    void aCommandThatReadAViewARebuildThenReplacedLosesARaceAndWinsOnTheNewView() {
        UUID caseId = UUID.randomUUID();
        CaseView opened = opened(caseId);
        views.save(null, opened);
        // a bad view to repair
        jdbc.update("UPDATE case_view SET message_count = 7 WHERE case_id = ?", caseId);
        CaseViewRepository.Stored read = views.stored(caseId).orElseThrow();

        rebuild(List.of(caseId), List.of(opened));

        CaseView folded = CaseViewFold.apply(read.view(), message(caseId, "second"), T0.plusSeconds(1), 2);
        assertThatThrownBy(() -> views.save(read, folded)).isInstanceOf(ConcurrencyException.class);
        CaseViewRepository.Stored again = views.stored(caseId).orElseThrow();
        assertThat(again.messages()).isEqualTo(1);
        views.save(again, CaseViewFold.apply(again.view(), message(caseId, "second"), T0.plusSeconds(1), 2));

        CaseView now = views.find(caseId).orElseThrow();
        assertThat(now.messages()).extracting(MessageView::body).containsExactly("first", "second");
        assertThat(now.version()).isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT message_count FROM case_view WHERE case_id = ?", Integer.class, caseId))
                .isEqualTo(2);
    }

    @Test
    void aRebuildReplacesTheViewsOfItsCasesAndRemovesThoseItHasNoneFor() {
        UUID kept = UUID.randomUUID();
        UUID dropped = UUID.randomUUID();
        views.save(null, opened(kept));
        views.save(null, opened(dropped));
        jdbc.update("UPDATE case_view_document SET document = jsonb_set(document, '{subject}', '\"garbled\"')"
                + " WHERE case_id = ?", kept);

        rebuild(List.of(kept, dropped), List.of(opened(kept)));

        assertThat(views.find(kept)).get().isEqualTo(opened(kept));
        assertThat(views.find(dropped)).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM case_view_message WHERE case_id = ?", Long.class, dropped))
                .isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM case_view_participant WHERE case_id = ?", Long.class,
                dropped)).isZero();
    }

    @Test
    void aRebuiltCaseTakesBackItsReferenceFromAWrongView() {
        UUID rebuilt = UUID.randomUUID();
        UUID wrong = UUID.randomUUID();
        views.save(null, opened(rebuilt));
        views.save(null, opened(wrong));
        jdbc.update("DELETE FROM case_view WHERE case_id = ?", rebuilt);
        jdbc.update("UPDATE case_view SET reference = ? WHERE case_id = ?", reference(rebuilt), wrong);

        rebuild(List.of(rebuilt), List.of(opened(rebuilt)));

        assertThat(views.find(rebuilt)).get().isEqualTo(opened(rebuilt));
        assertThat(views.find(wrong)).as("stored anew when its own case's turn comes").isEmpty();
    }

    /** As a rebuild does it: the cases' views locked, then replaced, in one transaction. */
    private static void rebuild(List<UUID> caseIds, List<CaseView> rebuilt) {
        transactions.executeWithoutResult(tx -> {
            views.lock(caseIds);
            views.replace(caseIds, rebuilt);
        });
    }

    @Test
    void aPersonsCasesAreTheSameFoundFromTheirParticipantRowsOrByWalkingEveryCase() {
        UUID many = UUID.randomUUID();
        UUID few = UUID.randomUUID();
        List<UUID> cases = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            UUID caseId = UUID.randomUUID();
            views.save(null, opened(caseId));
            cases.add(caseId);
        }
        // every other case is the first person's, every hundredth the second's; the times tell them apart
        for (int i = 0; i < cases.size(); i++) {
            jdbc.update("UPDATE case_view SET updated_at = ?::timestamptz WHERE case_id = ?",
                    T0.plusSeconds(i % 7 == 0 ? 0 : i).toString(), cases.get(i));
            jdbc.update("UPDATE case_view_participant SET person_id = ? WHERE case_id = ?",
                    i % 100 == 0 ? few : i % 2 == 0 ? many : null, cases.get(i));
        }
        for (UUID person : List.of(many, few)) {
            FindCasesQuery all = new FindCasesQuery(null, null, null, null, person, null, 0, 50);
            long total = views.count(all);
            assertThat(total).isEqualTo(person == many ? 147 : 3);
            for (int page : List.of(0, 1, 2, 3)) {
                FindCasesQuery query = new FindCasesQuery(null, null, null, null, person, null, page, 50);
                // a total at most FEW_CASES reads the person's rows, a larger one walks every case: the same page
                assertThat(views.find(query, 0).stream().map(c -> c.uuid()).toList()).as("page " + page)
                        .isEqualTo(views.find(query, Long.MAX_VALUE).stream().map(c -> c.uuid()).toList())
                        .isEqualTo(views.find(query, total).stream().map(c -> c.uuid()).toList());
            }
        }
    }

    private static CaseView opened(UUID caseId) {
        CaseView view = CaseViewFold.apply(null, new CaseOpenedEvent(caseId, reference(caseId), "Subject", CUSTOMER,
                null, List.of("tag"), Map.of(), CaseStatus.OPEN, CLIENT, Source.HTTP), T0, 0);
        return CaseViewFold.apply(view, message(caseId, "first"), T0, 1);
    }

    private static MessagePostedEvent message(UUID caseId, String body) {
        return new MessagePostedEvent(caseId, UUID.nameUUIDFromBytes(body.getBytes()), CUSTOMER, body, false, null,
                List.of(), CLIENT, Source.HTTP);
    }

    private static String reference(UUID caseId) {
        return caseId.toString().substring(0, 8).toUpperCase();
    }
}
