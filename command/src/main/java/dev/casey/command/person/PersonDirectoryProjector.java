package dev.casey.command.person;

import dev.casey.api.person.PersonRegisteredEvent;
import dev.casey.api.person.PersonRetiredFromTeamEvent;
import dev.casey.api.person.PersonUpdatedEvent;
import dev.casey.command.ProcessingGroups;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

/** Follows person events into the {@link PersonDirectory}. */
@Component
@ProcessingGroup(ProcessingGroups.PERSON_DIRECTORY)
class PersonDirectoryProjector {

    private final PersonDirectory directory;

    PersonDirectoryProjector(PersonDirectory directory) {
        this.directory = directory;
    }

    @EventHandler
    void on(PersonRegisteredEvent event) {
        directory.insert(event.personId(), event.email(), event.name(), event.team());
    }

    @EventHandler
    void on(PersonUpdatedEvent event) {
        directory.update(event.personId(), event.email(), event.name(), event.team());
    }

    @EventHandler
    void on(PersonRetiredFromTeamEvent event) {
        directory.retire(event.personId());
    }
}
