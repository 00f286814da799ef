package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Opens a case with its first message; the creator need not be registered. */
public record OpenCaseCommand(@TargetAggregateIdentifier UUID caseId, String subject, String creatorName,
                              String creatorEmail, String message, UUID messageId, String category,
                              List<String> tags, Map<String, String> meta, String mailMessageId,
                              List<AttachmentRef> attachments, Actor actor, Source source) {
}
