package dev.casey.api.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.time.Instant;
import java.util.Map;

/** One event of a case: its type, when, who, through which channel, and its content (secrets removed). */
public record CaseHistoryEntry(long sequence, String type, Instant timestamp, Actor actor, Source source,
                               Map<String, Object> payload) {
}
