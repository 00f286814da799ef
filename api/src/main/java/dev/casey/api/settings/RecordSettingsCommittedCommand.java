package dev.casey.api.settings;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Records that the effective configuration was written to the configuration file. */
public record RecordSettingsCommittedCommand(@TargetAggregateIdentifier String settingsId, String file, Actor actor,
                                             Source source) {
}
