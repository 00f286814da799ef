package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A mail of the case could not be handed to the mail server and will not be retried. */
@Revision("1")
public record MailDeliveryFailedEvent(UUID caseId, String recipient, String mailMessageId, String reason,
                                      Actor actor, Source source) {
}
