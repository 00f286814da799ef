package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A participant or invited team member of a case is addressed at a new e-mail address from now on. */
@Revision("1")
public record ParticipantAddressChangedEvent(UUID caseId, String formerEmail, Participant participant, Actor actor,
                                             Source source) {
}
