package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.List;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A message was added to a case; initial marks the message the case was opened with. */
@Revision("1")
public record MessagePostedEvent(UUID caseId, UUID messageId, Participant author, String body, boolean initial,
                                 String mailMessageId, List<AttachmentRef> attachments, Actor actor, Source source) {
}
