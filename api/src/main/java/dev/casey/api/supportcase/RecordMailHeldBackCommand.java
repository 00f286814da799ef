package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Records that a mail for the case was not acted upon, and why. */
public record RecordMailHeldBackCommand(@TargetAggregateIdentifier UUID caseId, String from, String subject,
                                        String reason, String mailMessageId, Actor actor, Source source) {
}
