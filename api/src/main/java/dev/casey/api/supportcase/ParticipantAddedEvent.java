package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** Someone joined the conversation of a case. */
@Revision("1")
public record ParticipantAddedEvent(UUID caseId, Participant participant, Actor actor, Source source) {
}
