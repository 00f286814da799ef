package dev.casey.command.supportcase;

import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Snapshots of cases, so that a command on a case with a long history loads a snapshot and the few events after it
 * instead of replaying every message since the opening.
 */
@Configuration(proxyBeanMethods = false)
class CaseSnapshots {

    static final String TRIGGER = "caseSnapshotTrigger";
    /**
     * The shape of {@link SupportCase}'s fields: raise it whenever they change, and snapshots of the old shape are
     * ignored (the case is replayed from its events and snapshotted anew).
     */
    static final String REVISION = "3";
    /** Events loaded after which a new snapshot is taken (after the command's commit, in its own transaction). */
    static final int EVENTS_BETWEEN_SNAPSHOTS = 50;

    @Bean(TRIGGER)
    SnapshotTriggerDefinition caseSnapshotTrigger(Snapshotter snapshotter) {
        return new EventCountSnapshotTriggerDefinition(snapshotter, EVENTS_BETWEEN_SNAPSHOTS);
    }
}
