package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Records that a mail of the case could not be delivered for good. */
public record RecordMailDeliveryFailureCommand(@TargetAggregateIdentifier UUID caseId, String recipient,
                                               String mailMessageId, String reason, Actor actor, Source source) {
}
