package dev.casey.server.settings;

import dev.casey.api.settings.FetchSettingsQuery;
import dev.casey.api.settings.Settings;
import dev.casey.api.settings.SettingsChangedEvent;
import dev.casey.api.settings.SettingsCommittedEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.queryhandling.QueryHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The effective configuration, in three layers: the defaults (with what the service supplies
 * itself, such as the embedded mail server), the configuration file, and the runtime changes made
 * since the file was last committed, replayed from the event store at start so that they survive a
 * restart. A runtime change to null withdraws the runtime value: the key is again what the file (or,
 * without one, the default) says. A commit writes the file and runtime layers, never the defaults.
 */
@Component
@ProcessingGroup("settings")
public class SettingsService {

    private static final Logger log = LoggerFactory.getLogger(SettingsService.class);

    private final ConfigFile file;
    private final EventStore events;
    private final Settings base;
    /** The file's values, normalized; guarded by this. */
    private Map<String, Object> fileValues;
    /** Runtime values since the last commit, by key; guarded by this. */
    private Map<String, Object> overrides;
    private volatile Settings current;

    SettingsService(ConfigFile file, EventStore events, ObjectProvider<ServiceDefaults> serviceDefaults) {
        this.file = file;
        this.events = events;
        try {
            Settings defaults = Settings.defaults();
            for (ServiceDefaults supplied : serviceDefaults.orderedStream().toList()) {
                defaults = defaults.with(supplied.values());
            }
            this.base = defaults;
            this.fileValues = new LinkedHashMap<>(Settings.defaults().with(file.read()).explicitValues());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("The configuration file " + file.path().orElseThrow() + " is not valid: "
                    + e.getMessage(), e);
        }
    }

    /** The configuration now in force. */
    public Settings current() {
        Settings settings = current;
        if (settings == null) {
            synchronized (this) {
                if (current == null) {
                    overrides = replayRuntimeChanges();
                    current = base.with(fileValues).with(overrides);
                }
                settings = current;
            }
        }
        return settings;
    }

    @QueryHandler
    Settings handle(FetchSettingsQuery query) {
        return current();
    }

    @EventHandler
    void on(SettingsChangedEvent event) {
        afterCommit(() -> {
            synchronized (this) {
                current();
                apply(overrides, event.changes());
                current = base.with(fileValues).with(overrides);
            }
        });
    }

    /** The file now holds the runtime values: they become the file layer. */
    @EventHandler
    void on(SettingsCommittedEvent event) {
        afterCommit(() -> {
            synchronized (this) {
                current();
                fileValues = committed();
                overrides = new LinkedHashMap<>();
            }
        });
    }

    /** Writes the configuration in force to the file. */
    public synchronized void commit() {
        current();
        file.write(committed());
    }

    /** What the file holds after a commit: its values with the runtime values over them. */
    private Map<String, Object> committed() {
        Map<String, Object> values = new LinkedHashMap<>(fileValues);
        values.putAll(overrides);
        return values;
    }

    public ConfigFile file() {
        return file;
    }

    /** The runtime values since the last commit, from the event store. */
    private Map<String, Object> replayRuntimeChanges() {
        Map<String, Object> sinceCommit = new LinkedHashMap<>();
        events.readEvents(Settings.ID).asStream().forEach(message -> {
            if (message.getPayload() instanceof SettingsCommittedEvent) {
                sinceCommit.clear();
            } else if (message.getPayload() instanceof SettingsChangedEvent changed) {
                apply(sinceCommit, changed.changes());
            }
        });
        sinceCommit.keySet().removeIf(key -> {
            try {
                base.with(Map.of(key, sinceCommit.get(key)));
                return false;
            } catch (IllegalArgumentException e) {
                log.warn("Ignoring a stored runtime configuration change that is no longer valid: {}", e.getMessage());
                return true;
            }
        });
        return sinceCommit;
    }

    private static void apply(Map<String, Object> overrides, Map<String, Object> changes) {
        changes.forEach((key, value) -> {
            if (value == null) {
                overrides.remove(key);
            } else {
                overrides.put(key, value);
            }
        });
    }

    private static void afterCommit(Runnable action) {
        if (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().afterCommit(u -> action.run());
        } else {
            action.run();
        }
    }
}
