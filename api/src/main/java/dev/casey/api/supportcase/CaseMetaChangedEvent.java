package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.Map;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A case's meta changed; the event carries all entries after the change. */
@Revision("1")
public record CaseMetaChangedEvent(UUID caseId, Map<String, String> meta, Actor actor, Source source) {
}
