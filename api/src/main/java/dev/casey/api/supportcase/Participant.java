package dev.casey.api.supportcase;

import java.util.UUID;

/** Someone taking part in a case: known by e-mail, with a person id when registered. */
public record Participant(String email, String name, boolean team, UUID personId) {
}
