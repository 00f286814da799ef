package dev.casey.api.supportcase;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A case in a list: what is needed to pick it, not its messages. */
public record CaseSummary(UUID uuid, String reference, String subject, CaseStatus status, String category,
                          List<String> tags, Participant creator, int messageCount, Instant openedAt,
                          Instant updatedAt) {
}
