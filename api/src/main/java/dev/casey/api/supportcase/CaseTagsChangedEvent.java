package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.List;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A case's tags changed; the event carries all tags after the change. */
@Revision("1")
public record CaseTagsChangedEvent(UUID caseId, List<String> tags, Actor actor, Source source) {
}
