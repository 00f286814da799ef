package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A pending case was confirmed by its creator and is now open. */
@Revision("1")
public record CaseConfirmedEvent(UUID caseId, Actor actor, Source source) {
}
