package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A mail for the case arrived but was not acted upon (its sender exceeded the rate limit). */
@Revision("1")
public record MailHeldBackEvent(UUID caseId, String from, String subject, String reason, String mailMessageId,
                                Actor actor, Source source) {
}
