package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.List;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Adds a message to a case from a participant or a team member. */
public record PostMessageCommand(@TargetAggregateIdentifier UUID caseId, UUID messageId, String fromEmail,
                                 String fromName, String body, String mailMessageId, List<AttachmentRef> attachments,
                                 Actor actor, Source source) {
}
