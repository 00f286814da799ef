package dev.casey.api.person;

/**
 * Lists persons, by name; team (the active team, or everyone else) and text (in name or e-mail, any case) are
 * optional. Answered with a {@link PersonList}.
 */
public record FetchPersonsQuery(Boolean team, String text, int page, int size) {
}
