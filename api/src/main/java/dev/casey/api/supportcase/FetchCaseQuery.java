package dev.casey.api.supportcase;

import java.time.Instant;
import java.util.UUID;

/** Asks for one case, as it stands now or (with asOf) as it stood then; answered with an optional {@link CaseView}. */
public record FetchCaseQuery(UUID caseId, Instant asOf) {
}
