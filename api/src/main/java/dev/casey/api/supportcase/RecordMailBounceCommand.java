package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Records that a mail of the case bounced. */
public record RecordMailBounceCommand(@TargetAggregateIdentifier UUID caseId, String recipient, String mailMessageId,
                                      String diagnostic, Actor actor, Source source) {
}
