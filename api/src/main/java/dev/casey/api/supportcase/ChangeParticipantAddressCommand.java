package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Addresses a person taking part in (or invited to) a case at their new e-mail address; a no-op once done. */
public record ChangeParticipantAddressCommand(@TargetAggregateIdentifier UUID caseId, UUID personId,
                                              String formerEmail, String email, String name, Actor actor,
                                              Source source) {
}
