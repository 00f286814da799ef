package dev.casey.query.supportcase;

import dev.casey.api.supportcase.CaseView;
import dev.casey.query.ProcessingGroups;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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
 *
 * <p>The views this instance stored last are kept ({@link #RECENT} of them): a case's next command folds onto its
 * view without reading it, when the view has the event before that command's first (no other instance wrote to the
 * case since). A view replaced meanwhile (a rebuild) is told by its row, as any view read earlier would be.
 */
@Component
@ProcessingGroup(ProcessingGroups.CASE_VIEW)
class CaseViewProjector {

    static final String CASE_AGGREGATE = "SupportCase";
    private static final String BATCH = CaseViewProjector.class.getName() + ".batch";
    /** Writes of one case's view tried before the command is left to run again. */
    private static final int REFOLDS = 3;

    /**
     * Views kept. Each is a case's view without its messages, a few kB: reading one and its JSON cost about a tenth of
     * a message's time in PostgreSQL and in caseyd.
     */
    static final int RECENT = 4096;

    private final CaseViewRepository views;
    /** The views last stored by this instance's committed commands, least recently used first. */
    private final Map<UUID, CaseViewRepository.Stored> recent = Collections.synchronizedMap(
            new LinkedHashMap<>(RECENT, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<UUID, CaseViewRepository.Stored> eldest) {
                    return size() > RECENT;
                }
            });

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
            unitOfWork.onPrepareCommit(u -> cases.values().forEach(folded -> store(folded, unitOfWork)));
            // the list totals lock their rows until the commit: counted last, after the other processors
            unitOfWork.root().onPrepareCommit(u -> cases.values().forEach(this::count));
            return cases;
        });
        UUID caseId = UUID.fromString(message.getAggregateIdentifier());
        Folded folded = batch.computeIfAbsent(caseId, id -> new Folded(caseId, storedBefore(id, message)));
        folded.apply(event, message);
    }

    /** The view as stored before this event: kept from this instance's last command on the case when it is that. */
    private CaseViewRepository.Stored storedBefore(UUID caseId, DomainEventMessage<?> message) {
        CaseViewRepository.Stored kept = recent.remove(caseId);
        if (kept != null && kept.view().version() == message.getSequenceNumber() - 1) {
            return kept;
        }
        return views.stored(caseId).orElse(null);
    }

    /**
     * Writes the case's view. A rebuild may have replaced the stored view since it was read (the write then finds
     * another row): this unit's events are folded again onto the view as it is now, a few times at most before the
     * command itself is run again.
     */
    private void store(Folded folded, UnitOfWork<?> unitOfWork) {
        for (int attempt = 1; folded.changed(); attempt++) {
            try {
                CaseViewRepository.Stored now = views.save(folded.stored, folded.current);
                if (now != null) {
                    // taken out while the command runs: a command that fails leaves none behind
                    unitOfWork.root().afterCommit(u -> recent.put(folded.caseId, now));
                }
                return;
            } catch (CaseViewRepository.ViewReplaced replaced) {
                if (attempt >= REFOLDS) {
                    throw replaced;
                }
                folded.refold(views.stored(folded.caseId).orElse(null));
            }
        }
    }

    private void count(Folded folded) {
        if (folded.changed()) {
            views.countStatusChange(folded.stored == null ? null : folded.stored.view(), folded.current);
        }
    }

    /** One case's view as stored before the batch (without its messages), its events since, and the view after them. */
    private static final class Folded {
        private final UUID caseId;
        private final List<DomainEventMessage<?>> events = new ArrayList<>();
        private CaseViewRepository.Stored stored;
        private CaseView current;

        Folded(UUID caseId, CaseViewRepository.Stored stored) {
            this.caseId = caseId;
            this.stored = stored;
            this.current = stored == null ? null : stored.view();
        }

        void apply(Object event, DomainEventMessage<?> message) {
            long sequence = message.getSequenceNumber();
            if (current != null && current.version() >= sequence) {
                return; // seen already: a replay or a redelivery
            }
            events.add(message);
            current = CaseViewFold.apply(current, event, message.getTimestamp(), sequence);
        }

        /** Starts again from the view as stored now, with the events of this batch it does not have yet. */
        void refold(CaseViewRepository.Stored now) {
            List<DomainEventMessage<?>> batch = List.copyOf(events);
            events.clear();
            stored = now;
            current = now == null ? null : now.view();
            batch.forEach(message -> apply(message.getPayload(), message));
        }

        boolean changed() {
            return stored == null ? current != null : current != stored.view();
        }
    }
}
