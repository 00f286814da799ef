package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** Casey decided not to send someone a mail, and why (their own copy is off, an automatic mail is never answered, …). */
@Revision("1")
public record MailWithheldEvent(UUID caseId, String recipient, String reason, Actor actor, Source source) {
}
