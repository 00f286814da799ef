package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A case was closed. */
@Revision("1")
public record CaseClosedEvent(UUID caseId, String reason, Actor actor, Source source) {
}
