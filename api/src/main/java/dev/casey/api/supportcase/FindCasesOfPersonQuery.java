package dev.casey.api.supportcase;

import java.util.UUID;

/** Lists the cases a person takes part in under any address they have had; answered with a {@link CasePage}. */
public record FindCasesOfPersonQuery(UUID personId, int page, int size) {
}
