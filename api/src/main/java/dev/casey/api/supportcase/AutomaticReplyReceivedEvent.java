package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** An automatic mail (out-of-office, mailing list, loop) arrived for a case; recorded, never answered. */
@Revision("1")
public record AutomaticReplyReceivedEvent(UUID caseId, String from, String subject, String reason,
                                          String mailMessageId, Actor actor, Source source) {
}
