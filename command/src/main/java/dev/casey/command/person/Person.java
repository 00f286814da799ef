package dev.casey.command.person;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.person.PersonRegisteredEvent;
import dev.casey.api.person.PersonRetiredFromTeamEvent;
import dev.casey.api.person.PersonUpdatedEvent;
import dev.casey.api.person.RegisterPersonCommand;
import dev.casey.api.person.RetirePersonFromTeamCommand;
import dev.casey.api.person.UpdatePersonCommand;
import dev.casey.command.Refusals;
import dev.casey.command.supportcase.CaseRules;
import java.util.Objects;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/** A person: a customer or a member of the support team. */
@Aggregate
class Person {

    @AggregateIdentifier
    private UUID personId;
    private String name;
    private String email;
    private boolean team;

    Person() {
        // for event sourcing
    }

    @CommandHandler
    Person(RegisterPersonCommand command, PersonDirectory directory, CaseRules rules) {
        String name = Refusals.requireName(command.name(), "name");
        String email = Refusals.requireParticipantEmail(command.email(), "email", rules.settings().mailAddress());
        if (directory.isTaken(email, null)) {
            throw PersonDirectory.taken(email);
        }
        apply(new PersonRegisteredEvent(command.personId(), name, email, command.team(), command.actor(),
                command.source()));
    }

    @CommandHandler
    void handle(UpdatePersonCommand command, PersonDirectory directory, CaseRules rules) {
        String newName = command.name() == null ? name : Refusals.requireName(command.name(), "name");
        String newEmail = command.email() == null ? email
                : Refusals.requireParticipantEmail(command.email(), "email", rules.settings().mailAddress());
        boolean newTeam = command.team() == null ? team : command.team();
        if (!newEmail.equalsIgnoreCase(email) && directory.isTaken(newEmail, personId)) {
            throw PersonDirectory.taken(newEmail);
        }
        if (Objects.equals(newName, name) && newEmail.equals(email) && newTeam == team) {
            return;
        }
        apply(new PersonUpdatedEvent(personId, newName, newEmail, newTeam, command.actor(), command.source()));
    }

    @CommandHandler
    void handle(RetirePersonFromTeamCommand command) {
        if (!team) {
            throw new CaseyRefusal(ErrorCode.NOT_A_TEAM_MEMBER, "this person is not a member of the team");
        }
        apply(new PersonRetiredFromTeamEvent(personId, command.actor(), command.source()));
    }

    @EventSourcingHandler
    void on(PersonRegisteredEvent event) {
        personId = event.personId();
        name = event.name();
        email = event.email();
        team = event.team();
    }

    @EventSourcingHandler
    void on(PersonUpdatedEvent event) {
        name = event.name();
        email = event.email();
        team = event.team();
    }

    @EventSourcingHandler
    void on(PersonRetiredFromTeamEvent event) {
        team = false;
    }
}
