package dev.casey.api.settings;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import java.util.Map;
import org.axonframework.serialization.Revision;

/** Configuration keys were changed at runtime. */
@Revision("1")
public record SettingsChangedEvent(String settingsId, Map<String, Object> changes, Actor actor, Source source) {
}
