package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Confirms a pending case with the code that was sent to its creator. */
public record ConfirmCaseCommand(@TargetAggregateIdentifier UUID caseId, String code, Actor actor, Source source) {
}
