package dev.casey.query.supportcase;

import dev.casey.api.supportcase.CaseView;
import dev.casey.query.ProcessingGroups;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code case_view} in step with the events of cases: every event of a case passes through
 * {@link CaseViewFold}, so the live view and the view "as of" an instant are folded alike.
 *
 * <p>A command usually records several events of one case (a message and the copy withheld from its author; an
 * opening, its participants and the invited team), and a replay hands over hundreds at a time: the events of one
 * batch are folded in memory and each case's view is read and written once, when the batch commits.
 */
@Component
@ProcessingGroup(ProcessingGroups.CASE_VIEW)
class CaseViewProjector {

    static final String CASE_AGGREGATE = "SupportCase";
    private static final String BATCH = CaseViewProjector.class.getName() + ".batch";

    private final CaseViewRepository views;

    CaseViewProjector(CaseViewRepository views) {
        this.views = views;
    }

    @EventHandler
    void on(Object event, DomainEventMessage<?> message, UnitOfWork<?> unitOfWork) {
        if (!CASE_AGGREGATE.equals(message.getType())) {
            return;
        }
        Map<UUID, Folded> batch = unitOfWork.getOrComputeResource(BATCH, key -> {
            Map<UUID, Folded> cases = new LinkedHashMap<>();
            unitOfWork.onPrepareCommit(u -> cases.values().forEach(this::store));
            // the list totals lock their rows until the commit: counted last, after the other processors
            unitOfWork.root().onPrepareCommit(u -> cases.values().forEach(this::count));
            return cases;
        });
        UUID caseId = UUID.fromString(message.getAggregateIdentifier());
        Folded folded = batch.computeIfAbsent(caseId, id -> new Folded(views.stored(id).orElse(null)));
        long sequence = message.getSequenceNumber();
        if (folded.current != null && folded.current.version() >= sequence) {
            return; // seen already: a replay or a redelivery
        }
        folded.current = CaseViewFold.apply(folded.current, event, message.getTimestamp(), sequence);
    }

    private void store(Folded folded) {
        if (folded.changed()) {
            views.save(folded.stored, folded.current);
        }
    }

    private void count(Folded folded) {
        if (folded.changed()) {
            views.countStatusChange(folded.stored == null ? null : folded.stored.view(), folded.current);
        }
    }

    /** One case's view as stored before the batch (without its messages) and after its events so far. */
    private static final class Folded {
        private final CaseViewRepository.Stored stored;
        private CaseView current;

        Folded(CaseViewRepository.Stored stored) {
            this.stored = stored;
            this.current = stored == null ? null : stored.view();
        }

        boolean changed() {
            return stored == null ? current != null : current != stored.view();
        }
    }
}
