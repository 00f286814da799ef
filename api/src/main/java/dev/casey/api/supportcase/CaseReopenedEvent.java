package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A closed case was opened again. */
@Revision("1")
public record CaseReopenedEvent(UUID caseId, String reason, Actor actor, Source source) {
}
