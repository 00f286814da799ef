package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Records an automatic mail that arrived for a case. */
public record RecordAutomaticReplyCommand(@TargetAggregateIdentifier UUID caseId, String from, String subject,
                                          String reason, String mailMessageId, Actor actor, Source source) {
}
