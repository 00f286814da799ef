package dev.casey.api.person;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A person was registered. */
@Revision("1")
public record PersonRegisteredEvent(UUID personId, String name, String email, boolean team,
                                    Actor actor, Source source) {
}
