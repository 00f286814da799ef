package dev.casey.api.person;

import java.util.List;

/** The persons that matched a {@link FetchPersonsQuery}. */
public record PersonList(List<PersonView> persons) {
}
