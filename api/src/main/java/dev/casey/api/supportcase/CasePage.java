package dev.casey.api.supportcase;

import java.util.List;

/** One page of cases matching a {@link FindCasesQuery}, newest activity first. */
public record CasePage(List<CaseSummary> cases, int page, int size, long total) {
}
