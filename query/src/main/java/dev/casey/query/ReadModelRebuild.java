package dev.casey.query;

import dev.casey.api.supportcase.CaseOpenedEvent;
import dev.casey.api.supportcase.CaseView;
import dev.casey.query.person.PersonViewFolding;
import dev.casey.query.supportcase.CaseViewFolding;
import java.time.Duration;
import java.util.List;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Builds the read models anew from the event store: after a change to how they are folded, or to
 * repair them. Runs in one transaction that keeps writers out (they wait, then go on) while readers
 * see the old read models until the new ones are complete.
 */
@Component
public class ReadModelRebuild {

    /** What a rebuild did and how long it took. */
    public record Result(long events, long cases, long persons, Duration took) {
    }

    private final JdbcTemplate jdbc;
    private final EventStore events;
    private final TransactionTemplate transactions;
    private final CaseViewFolding cases;
    private final PersonViewFolding persons;

    ReadModelRebuild(JdbcTemplate jdbc, EventStore events, TransactionTemplate transactions,
                     CaseViewFolding cases, PersonViewFolding persons) {
        this.jdbc = jdbc;
        this.events = events;
        this.transactions = transactions;
        this.cases = cases;
        this.persons = persons;
    }

    public Result rebuild() {
        long started = System.nanoTime();
        return transactions.execute(tx -> {
            jdbc.execute("LOCK TABLE case_view, case_view_document, case_view_message, case_view_count, case_view_tag,"
                    + " case_view_participant, person_view IN SHARE ROW EXCLUSIVE MODE");
            jdbc.update("DELETE FROM case_view_message");
            jdbc.update("DELETE FROM case_view_tag");
            jdbc.update("DELETE FROM case_view_participant");
            jdbc.update("DELETE FROM case_view_document");
            jdbc.update("DELETE FROM case_view");
            jdbc.update("DELETE FROM person_view");
            long eventCount = 0;
            List<String> caseIds = aggregates("SupportCase");
            for (String caseId : caseIds) {
                List<? extends DomainEventMessage<?>> stream = RecordedEvents.of(events, caseId);
                eventCount += stream.size();
                if (!stream.isEmpty() && stream.get(0).getPayload() instanceof CaseOpenedEvent) {
                    CaseView view = cases.fold(stream);
                    cases.store(view);
                }
            }
            cases.recount();
            List<String> personIds = aggregates("Person");
            for (String personId : personIds) {
                List<? extends DomainEventMessage<?>> stream = RecordedEvents.of(events, personId);
                eventCount += stream.size();
                stream.forEach(persons::apply);
            }
            return new Result(eventCount, caseIds.size(), personIds.size(), Duration.ofNanos(System.nanoTime() - started));
        });
    }

    private List<String> aggregates(String type) {
        return jdbc.queryForList("SELECT DISTINCT aggregateidentifier FROM domainevententry WHERE type = ?", String.class,
                type);
    }
}
