package dev.casey.query.supportcase;

import dev.casey.api.supportcase.CaseView;
import java.util.List;
import org.axonframework.eventhandling.DomainEventMessage;
import org.springframework.stereotype.Component;

/** Folds a case's events into its view and stores it: for a rebuild of the read model. */
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

    public void store(CaseView view) {
        views.save(null, view);
    }

    /** The list totals counted anew, once all views are stored. */
    public void recount() {
        views.recount();
    }
}
