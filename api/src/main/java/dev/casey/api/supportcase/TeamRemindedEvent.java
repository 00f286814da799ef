package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.List;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** Invited team members were reminded of a case nobody from the team has answered yet. */
@Revision("1")
public record TeamRemindedEvent(UUID caseId, List<Participant> reminded, Actor actor, Source source) {
}
