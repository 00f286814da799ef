package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A case was opened (pending when confirmation is required). */
@Revision("1")
public record CaseOpenedEvent(UUID caseId, String reference, String subject, Participant creator, String category,
                              List<String> tags, Map<String, String> meta, CaseStatus status, Actor actor,
                              Source source) {
}
