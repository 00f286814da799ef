package dev.casey.api.person;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Changes a person's name, e-mail or team flag; a null field is left as it is. */
public record UpdatePersonCommand(@TargetAggregateIdentifier UUID personId, String name, String email,
                                  Boolean team, Actor actor, Source source) {
}
