package dev.casey.query.supportcase;

import dev.casey.api.supportcase.CaseView;
import java.util.List;
import java.util.UUID;
import org.axonframework.eventhandling.DomainEventMessage;
import org.springframework.stereotype.Component;

/** Folds cases' events into their views and stores them: for a rebuild of the read model. */
@Component
public class CaseViewFolding {

    private final CaseViewRepository views;

    CaseViewFolding(CaseViewRepository views) {
        this.views = views;
    }

    /** The view after all these events of one case, oldest first. */
    public CaseView fold(List<? extends DomainEventMessage<?>> events) {
        CaseView view = null;
        for (DomainEventMessage<?> event : events) {
            view = CaseViewFold.apply(view, event.getPayload(), event.getTimestamp(), event.getSequenceNumber());
        }
        return view;
    }

    /**
     * Locks these cases' views until the transaction ends: commands on them wait, and those that read one before
     * fold their events again onto the view that replaces it. Call it before reading their events.
     */
    public void lock(List<UUID> caseIds) {
        views.lock(caseIds);
    }

    /** Replaces the views of these cases by the given ones (cases without a view in the list lose theirs). */
    public void replace(List<UUID> caseIds, List<CaseView> rebuilt) {
        views.replace(caseIds, rebuilt);
    }

    /** The list totals counted anew, once all views are stored. */
    public void recount() {
        views.recount();
    }
}
