package dev.casey.query.supportcase;

import dev.casey.api.supportcase.CaseCategoryChangedEvent;
import dev.casey.api.supportcase.CaseClosedEvent;
import dev.casey.api.supportcase.CaseConfirmationRequestedEvent;
import dev.casey.api.supportcase.CaseConfirmedEvent;
import dev.casey.api.supportcase.CaseMetaChangedEvent;
import dev.casey.api.supportcase.CaseOpenedEvent;
import dev.casey.api.supportcase.CaseReopenedEvent;
import dev.casey.api.supportcase.CaseTagsChangedEvent;
import dev.casey.api.supportcase.CaseView;
import dev.casey.api.supportcase.MessagePostedEvent;
import dev.casey.api.supportcase.ParticipantAddedEvent;
import dev.casey.api.supportcase.TeamInvitedEvent;
import dev.casey.query.ProcessingGroups;
import java.time.Instant;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.stereotype.Component;

/** Keeps {@code case_view} in step with case events. */
@Component
@ProcessingGroup(ProcessingGroups.CASE_VIEW)
class CaseViewProjector {

    private final CaseViewRepository views;

    CaseViewProjector(CaseViewRepository views) {
        this.views = views;
    }

    @EventHandler
    void on(CaseOpenedEvent event, @Timestamp Instant at, @SequenceNumber long sequence) {
        project(event.caseId(), event, at, sequence);
    }

    @EventHandler
    void on(CaseConfirmationRequestedEvent event, @Timestamp Instant at, @SequenceNumber long sequence) {
        project(event.caseId(), event, at, sequence);
    }

    @EventHandler
    void on(CaseConfirmedEvent event, @Timestamp Instant at, @SequenceNumber long sequence) {
        project(event.caseId(), event, at, sequence);
    }

    @EventHandler
    void on(MessagePostedEvent event, @Timestamp Instant at, @SequenceNumber long sequence) {
        project(event.caseId(), event, at, sequence);
    }

    @EventHandler
    void on(ParticipantAddedEvent event, @Timestamp Instant at, @SequenceNumber long sequence) {
        project(event.caseId(), event, at, sequence);
    }

    @EventHandler
    void on(TeamInvitedEvent event, @Timestamp Instant at, @SequenceNumber long sequence) {
        project(event.caseId(), event, at, sequence);
    }

    @EventHandler
    void on(CaseClosedEvent event, @Timestamp Instant at, @SequenceNumber long sequence) {
        project(event.caseId(), event, at, sequence);
    }

    @EventHandler
    void on(CaseReopenedEvent event, @Timestamp Instant at, @SequenceNumber long sequence) {
        project(event.caseId(), event, at, sequence);
    }

    @EventHandler
    void on(CaseCategoryChangedEvent event, @Timestamp Instant at, @SequenceNumber long sequence) {
        project(event.caseId(), event, at, sequence);
    }

    @EventHandler
    void on(CaseTagsChangedEvent event, @Timestamp Instant at, @SequenceNumber long sequence) {
        project(event.caseId(), event, at, sequence);
    }

    @EventHandler
    void on(CaseMetaChangedEvent event, @Timestamp Instant at, @SequenceNumber long sequence) {
        project(event.caseId(), event, at, sequence);
    }

    private void project(UUID caseId, Object event, Instant at, long sequence) {
        CaseView previous = views.find(caseId).orElse(null);
        if (previous != null && previous.version() >= sequence) {
            return; // seen already: a replay or a redelivery
        }
        views.save(previous, CaseViewFold.apply(previous, event, at, sequence));
    }
}
