package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.time.Instant;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** The creator of a pending case was given a confirmation code, valid until expiresAt. */
@Revision("1")
public record CaseConfirmationRequestedEvent(UUID caseId, String code, Instant expiresAt, Actor actor, Source source) {
}
