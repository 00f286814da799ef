package dev.casey.api.person;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Takes a team member out of the team: no further invitations, history kept. */
public record RetirePersonFromTeamCommand(@TargetAggregateIdentifier UUID personId, Actor actor, Source source) {
}
