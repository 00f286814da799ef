package dev.casey.api.settings;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import org.axonframework.serialization.Revision;

/** The effective configuration was written to the configuration file; earlier runtime changes are in it. */
@Revision("1")
public record SettingsCommittedEvent(String settingsId, String file, Actor actor, Source source) {
}
