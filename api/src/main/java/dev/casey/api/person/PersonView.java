package dev.casey.api.person;

import java.time.Instant;
import java.util.UUID;

/** A person as the read side shows it. */
public record PersonView(UUID uuid, String name, String email, boolean team, boolean retired,
                         Instant registeredAt, Instant updatedAt) {
}
