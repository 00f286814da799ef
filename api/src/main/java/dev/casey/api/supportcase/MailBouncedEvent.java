package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A mail of the case could not be delivered: the recipient's server sent it back. */
@Revision("1")
public record MailBouncedEvent(UUID caseId, String recipient, String mailMessageId, String diagnostic, Actor actor,
                               Source source) {
}
