package dev.casey.query;

import java.util.List;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;

/** What an aggregate recorded, read for people and read models rather than for deciding the next command. */
public final class RecordedEvents {

    private RecordedEvents() {
    }

    /**
     * Every event of the aggregate, oldest first. Never a snapshot: {@code EventStore.readEvents(id)} starts with
     * the newest snapshot in place of the events before it, which is right for loading an aggregate and wrong for
     * a history, a view as of an instant or a rebuild.
     */
    public static List<? extends DomainEventMessage<?>> of(EventStore events, String aggregateId) {
        return events.readEvents(aggregateId, 0).asStream().toList();
    }
}
