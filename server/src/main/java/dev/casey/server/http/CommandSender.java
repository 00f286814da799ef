package dev.casey.server.http;

import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.ErrorCode;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.springframework.stereotype.Component;

/** Sends commands and waits for them, turning "no such aggregate" into the caller's not-found refusal. */
@Component
class CommandSender {

    private final CommandGateway commands;

    CommandSender(CommandGateway commands) {
        this.commands = commands;
    }

    <R> R send(Object command, ErrorCode whenMissing, String missingMessage) {
        try {
            return commands.sendAndWait(command);
        } catch (RuntimeException e) {
            CaseyRefusal refusal = ProblemResponses.causeOf(e, CaseyRefusal.class);
            if (refusal != null) {
                throw refusal;
            }
            if (ProblemResponses.causeOf(e, AggregateNotFoundException.class) != null) {
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
