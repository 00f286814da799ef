package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.List;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** Team members were told of a case and invited to answer it. */
@Revision("1")
public record TeamInvitedEvent(UUID caseId, List<Participant> invited, Actor actor, Source source) {
}
