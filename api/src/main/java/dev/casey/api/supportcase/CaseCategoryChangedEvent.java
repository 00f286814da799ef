package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A case's category changed (null: no category). */
@Revision("1")
public record CaseCategoryChangedEvent(UUID caseId, String category, Actor actor, Source source) {
}
