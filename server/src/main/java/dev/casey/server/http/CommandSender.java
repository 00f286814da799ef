package dev.casey.server.http;

import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.ErrorCode;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.IncompatibleAggregateException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.springframework.stereotype.Component;

/**
 * Sends commands in their turn ({@link CommandTurns}) and waits for them, turning "no such aggregate" (also an id
 * that belongs to an aggregate of another kind) into the caller's not-found refusal.
 */
@Component
class CommandSender {

    private final CommandGateway commands;
    private final CommandTurns turns;

    CommandSender(CommandGateway commands, CommandTurns turns) {
        this.commands = commands;
        this.turns = turns;
    }

    <R> R send(Object command, ErrorCode whenMissing, String missingMessage) {
        try {
            return turns.inTurn(() -> commands.sendAndWait(command));
        } catch (RuntimeException e) {
            CaseyRefusal refusal = ProblemResponses.causeOf(e, CaseyRefusal.class);
            if (refusal != null) {
                throw refusal;
            }
            // the id of a person given for a case (or the other way round): Axon loads that aggregate's events, none of
            // which sets this one's id; a stream of the right kind always starts with its creation event
            if (ProblemResponses.causeOf(e, AggregateNotFoundException.class) != null
                    || ProblemResponses.causeOf(e, IncompatibleAggregateException.class) != null) {
                throw new CaseyRefusal(whenMissing, missingMessage);
            }
            AggregateStreamCreationException exists = ProblemResponses.causeOf(e, AggregateStreamCreationException.class);
            if (exists != null) {
                throw exists;
            }
            throw e;
        }
    }
}
