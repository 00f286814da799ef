package dev.casey.api.person;

import java.util.List;

/** One page of the persons that matched a {@link FetchPersonsQuery}, and how many matched in all. */
public record PersonList(List<PersonView> persons, int page, int size, long total) {
}
