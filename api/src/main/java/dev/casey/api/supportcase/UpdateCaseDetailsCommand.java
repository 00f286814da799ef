package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;

/**
 * Changes a case's category, tags or meta; a null field is left as it is, an empty category clears it. With
 * expectedVersion, only a case still at that version is changed.
 */
public record UpdateCaseDetailsCommand(@TargetAggregateIdentifier UUID caseId, String category, List<String> tags,
                                       Map<String, String> meta, Actor actor, Source source,
                                       @TargetAggregateVersion Long expectedVersion) {

    public UpdateCaseDetailsCommand(UUID caseId, String category, List<String> tags, Map<String, String> meta,
                                    Actor actor, Source source) {
        this(caseId, category, tags, meta, actor, source, null);
    }
}
