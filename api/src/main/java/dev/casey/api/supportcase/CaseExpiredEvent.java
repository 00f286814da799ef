package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A pending case was not confirmed in time and expired. */
@Revision("1")
public record CaseExpiredEvent(UUID caseId, Actor actor, Source source) {
}
