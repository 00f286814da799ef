package dev.casey.query.supportcase;

import dev.casey.api.supportcase.CaseView;
import dev.casey.query.ProcessingGroups;
import java.time.Instant;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code case_view} in step with the events of cases: every event of a case passes through
 * {@link CaseViewFold}, so the live view and the view "as of" an instant are folded alike.
 */
@Component
@ProcessingGroup(ProcessingGroups.CASE_VIEW)
class CaseViewProjector {

    static final String CASE_AGGREGATE = "SupportCase";

    private final CaseViewRepository views;

    CaseViewProjector(CaseViewRepository views) {
        this.views = views;
    }

    @EventHandler
    void on(Object event, DomainEventMessage<?> message) {
        if (CASE_AGGREGATE.equals(message.getType())) {
            project(UUID.fromString(message.getAggregateIdentifier()), event, message.getTimestamp(),
                    message.getSequenceNumber());
        }
    }

    private void project(UUID caseId, Object event, Instant at, long sequence) {
        CaseView previous = views.find(caseId).orElse(null);
        if (previous != null && previous.version() >= sequence) {
            return; // seen already: a replay or a redelivery
        }
        views.save(previous, CaseViewFold.apply(previous, event, at, sequence));
    }
}
