package dev.casey.command.supportcase;

import dev.casey.api.common.EmailAddresses;
import dev.casey.api.common.LostRaces;
import dev.casey.api.common.Source;
import dev.casey.api.person.PersonRegisteredEvent;
import dev.casey.api.person.PersonUpdatedEvent;
import dev.casey.api.supportcase.CaseIdList;
import dev.casey.api.supportcase.ChangeParticipantAddressCommand;
import dev.casey.api.supportcase.FetchCasesOfAddressQuery;
import dev.casey.command.ProcessingGroups;
import java.util.Map;
import java.util.UUID;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.stereotype.Component;

/**
 * A person who changes address is addressed at the new one in every case they take part in or were invited to.
 * Its group tracks the events with a stored token: a change is followed through to every case even across a crash
 * or restart in the middle, each case command is a no-op once done, and a failing one is retried with the event.
 */
@Component
@ProcessingGroup(ProcessingGroups.PARTICIPANT_ADDRESS)
class ParticipantAddresses {

    private final EventStore events;
    private final QueryGateway queries;
    private final CommandGateway commands;

    ParticipantAddresses(EventStore events, QueryGateway queries, CommandGateway commands) {
        this.events = events;
        this.queries = queries;
        this.commands = commands;
    }

    @EventHandler
    void on(PersonUpdatedEvent event, @SequenceNumber long sequence) {
        String former = addressBefore(event.personId(), sequence);
        if (former == null || EmailAddresses.key(former).equals(EmailAddresses.key(event.email()))) {
            return;
        }
        // every case first: a case that was moved no longer matches the former address, so paging would skip some
        CaseIdList cases = queries.query(new FetchCasesOfAddressQuery(former), CaseIdList.class).join();
        for (UUID caseId : cases.caseIds()) {
            // in this handler's transaction: a case command that loses a race rolls it all back, and the processor
            // handles the event again (the cases moved already are no-ops), rather than one case alone elsewhere
            commands.sendAndWait(GenericCommandMessage.asCommandMessage(new ChangeParticipantAddressCommand(caseId,
                    event.personId(), former, event.email(), event.name(), event.actor(), Source.SYSTEM))
                    .andMetaData(Map.of(LostRaces.IN_SENDERS_TRANSACTION, true)));
        }
    }

    /** The event carries the details after the change: the address before it is in the person's earlier events. */
    private String addressBefore(UUID personId, long sequence) {
        String email = null;
        for (var event : events.readEvents(personId.toString(), 0).asStream()
                .takeWhile(e -> e.getSequenceNumber() < sequence).toList()) {
            if (event.getPayload() instanceof PersonRegisteredEvent e) {
                email = e.email();
            } else if (event.getPayload() instanceof PersonUpdatedEvent e) {
                email = e.email();
            }
        }
        return email;
    }
}
