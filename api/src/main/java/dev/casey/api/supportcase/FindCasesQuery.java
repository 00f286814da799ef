package dev.casey.api.supportcase;

import java.util.UUID;

/**
 * Lists cases; every filter is optional. participant matches a participant's e-mail, or with personId also whatever
 * address that registered person took part under; text searches subjects and message bodies. Answered with a
 * {@link CasePage}.
 */
public record FindCasesQuery(CaseStatus status, String category, String tag, String participant, UUID personId,
                             String text, int page, int size) {
}
