package dev.casey.api.supportcase;

import java.util.UUID;

/**
 * Lists cases; every filter is optional. participant matches a participant's e-mail; with personId, the cases of that
 * registered person under any address, and of whoever joined unregistered under an address the person was the first
 * to take up after (participant their current address); text searches subjects and message bodies. Answered with a
 * {@link CasePage}.
 */
public record FindCasesQuery(CaseStatus status, String category, String tag, String participant, UUID personId,
                             String text, int page, int size) {
}
