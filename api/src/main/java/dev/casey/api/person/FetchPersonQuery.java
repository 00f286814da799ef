package dev.casey.api.person;

import java.util.UUID;

/** Asks for one person; answered with an optional {@link PersonView}. */
public record FetchPersonQuery(UUID personId) {
}
