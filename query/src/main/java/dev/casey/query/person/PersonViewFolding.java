package dev.casey.query.person;

import dev.casey.api.person.PersonRegisteredEvent;
import dev.casey.api.person.PersonRetiredFromTeamEvent;
import dev.casey.api.person.PersonUpdatedEvent;
import org.axonframework.eventhandling.DomainEventMessage;
import org.springframework.stereotype.Component;

/** Applies a stored person event to the person read model, as the projector does: for a rebuild. */
@Component
public class PersonViewFolding {

    private final PersonViewProjector projector;

    PersonViewFolding(PersonViewProjector projector) {
        this.projector = projector;
    }

    public void apply(DomainEventMessage<?> event) {
        Object payload = event.getPayload();
        if (payload instanceof PersonRegisteredEvent registered) {
            projector.on(registered, event.getTimestamp());
        } else if (payload instanceof PersonUpdatedEvent updated) {
            projector.on(updated, event.getTimestamp());
        } else if (payload instanceof PersonRetiredFromTeamEvent retired) {
            projector.on(retired, event.getTimestamp());
        }
    }
}
