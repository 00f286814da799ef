package dev.casey.api.supportcase;

/**
 * Lists cases; every filter is optional. participant matches a participant's e-mail, text searches
 * subjects and message bodies. Answered with a {@link CasePage}.
 */
public record FindCasesQuery(CaseStatus status, String category, String tag, String participant, String text,
                             int page, int size) {
}
