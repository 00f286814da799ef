package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A mail was not added because the case is closed and cannot be reopened, or unconfirmed; politeReply tells whether its author is told so (at most once a day). */
@Revision("1")
public record MessageRefusedEvent(UUID caseId, UUID messageId, Participant author, String body, String reason,
                                  String mailMessageId, boolean politeReply, Actor actor, Source source) {
}
