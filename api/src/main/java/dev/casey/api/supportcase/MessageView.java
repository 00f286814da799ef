package dev.casey.api.supportcase;

import dev.casey.api.common.Source;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One message of a case as the read side shows it. */
public record MessageView(UUID uuid, Participant author, String body, Source source, Instant postedAt,
                          String mailMessageId, List<AttachmentRef> attachments) {
}
