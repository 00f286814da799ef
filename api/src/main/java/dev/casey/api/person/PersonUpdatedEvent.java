package dev.casey.api.person;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A person's details changed; the event carries the full details after the change. */
@Revision("1")
public record PersonUpdatedEvent(UUID personId, String name, String email, boolean team,
                                 Actor actor, Source source) {
}
