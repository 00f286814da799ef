package dev.casey.api.supportcase;

/** Asks for every case in which this address takes part or is invited; answered with a {@link CaseIdList}. */
public record FetchCasesOfAddressQuery(String email) {
}
