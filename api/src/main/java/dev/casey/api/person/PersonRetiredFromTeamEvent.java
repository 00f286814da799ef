package dev.casey.api.person;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A team member left the team. */
@Revision("1")
public record PersonRetiredFromTeamEvent(UUID personId, Actor actor, Source source) {
}
