package dev.casey.command.supportcase;

import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.common.LostRaces;
import dev.casey.api.supportcase.ConfirmCaseByCodeCommand;
import dev.casey.api.supportcase.ConfirmCaseCommand;
import java.util.Map;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

/** Confirms a case from its code alone, as the link in the confirmation mail does. */
@Component
class CaseConfirmation {

    private final CaseLookup lookup;

    CaseConfirmation(CaseLookup lookup) {
        this.lookup = lookup;
    }

    @CommandHandler
    UUID handle(ConfirmCaseByCodeCommand command, CommandGateway commands) {
        UUID caseId = lookup.byConfirmationCode(command.code()).orElseThrow(() -> new CaseyRefusal(
                ErrorCode.CONFIRMATION_CODE_INVALID, "no case waits for this confirmation code", "code"));
        // in this command's transaction: if it loses a race, this whole command runs again, not the confirmation alone
        commands.sendAndWait(GenericCommandMessage.asCommandMessage(
                new ConfirmCaseCommand(caseId, command.code(), command.actor(), command.source()))
                .andMetaData(Map.of(LostRaces.IN_SENDERS_TRANSACTION, true)));
        return caseId;
    }
}
