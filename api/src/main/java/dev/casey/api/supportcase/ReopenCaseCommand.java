package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Reopens a closed case. */
public record ReopenCaseCommand(@TargetAggregateIdentifier UUID caseId, String reason, Actor actor, Source source) {
}
