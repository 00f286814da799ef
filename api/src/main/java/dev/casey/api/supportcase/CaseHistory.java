package dev.casey.api.supportcase;

import java.util.List;
import java.util.UUID;

/** The ordered events of one case. */
public record CaseHistory(UUID caseId, List<CaseHistoryEntry> events) {
}
