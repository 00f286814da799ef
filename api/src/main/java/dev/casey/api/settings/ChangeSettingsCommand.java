package dev.casey.api.settings;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.Map;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Changes configuration keys at runtime; a null value resets a key to its default. */
public record ChangeSettingsCommand(@TargetAggregateIdentifier String settingsId, Map<String, Object> changes,
                                    Actor actor, Source source) {
}
