package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Closes a case. */
public record CloseCaseCommand(@TargetAggregateIdentifier UUID caseId, String reason, Actor actor, Source source) {
}
