package dev.casey.api.person;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Registers a person (customer or team member) under an e-mail address not yet taken. */
public record RegisterPersonCommand(@TargetAggregateIdentifier UUID personId, String name, String email,
                                    boolean team, Actor actor, Source source) {
}
