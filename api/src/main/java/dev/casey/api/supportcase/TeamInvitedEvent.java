package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.List;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** Team members were invited to a case (reminder: the earlier invitees had not answered). */
@Revision("1")
public record TeamInvitedEvent(UUID caseId, List<Participant> invited, boolean reminder, Actor actor, Source source) {
}
