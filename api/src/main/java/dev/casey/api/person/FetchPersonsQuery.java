package dev.casey.api.person;

/** Asks for all persons, optionally only the (active) team; answered with a {@link PersonList}. */
public record FetchPersonsQuery(Boolean team) {
}
