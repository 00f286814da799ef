package dev.casey.api.supportcase;

import java.util.List;
import java.util.UUID;

/** The ids of the cases that matched a {@link FetchCasesOfAddressQuery}. */
public record CaseIdList(List<UUID> caseIds) {
}
