package dev.casey.api.supportcase;

import java.util.UUID;

/** Asks for every event of a case in order; answered with an optional {@link CaseHistory}. */
public record FetchCaseHistoryQuery(UUID caseId) {
}
