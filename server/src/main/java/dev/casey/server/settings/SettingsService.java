package dev.casey.server.settings;

import dev.casey.api.settings.FetchSettingsQuery;
import dev.casey.api.settings.Settings;
import dev.casey.api.settings.SettingsChangedEvent;
import dev.casey.api.settings.SettingsCommittedEvent;
import java.util.ArrayList;
import java.util.List;
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
 * The effective configuration: the configuration file, then the runtime changes made since the file
 * was last committed, replayed from the event store at start so that they survive a restart.
 */
@Component
@ProcessingGroup("settings")
public class SettingsService {

    private static final Logger log = LoggerFactory.getLogger(SettingsService.class);

    private final ConfigFile file;
    private final EventStore events;
    private final Settings fromFile;
    private volatile Settings current;

    SettingsService(ConfigFile file, EventStore events, ObjectProvider<ServiceDefaults> serviceDefaults) {
        this.file = file;
        this.events = events;
        try {
            Settings base = Settings.defaults();
            for (ServiceDefaults defaults : serviceDefaults.orderedStream().toList()) {
                base = base.with(defaults.values());
            }
            this.fromFile = base.with(file.read());
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
                    current = replayRuntimeChanges();
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
                current = current().with(event.changes());
            }
        });
    }

    /** Writes the configuration in force to the file. */
    public void commit() {
        file.write(current().explicitValues());
    }

    public ConfigFile file() {
        return file;
    }

    private Settings replayRuntimeChanges() {
        List<Map<String, Object>> sinceCommit = new ArrayList<>();
        events.readEvents(Settings.ID).asStream().forEach(message -> {
            if (message.getPayload() instanceof SettingsCommittedEvent) {
                sinceCommit.clear();
            } else if (message.getPayload() instanceof SettingsChangedEvent changed) {
                sinceCommit.add(changed.changes());
            }
        });
        Settings settings = fromFile;
        for (Map<String, Object> changes : sinceCommit) {
            try {
                settings = settings.with(changes);
            } catch (IllegalArgumentException e) {
                log.warn("Ignoring a stored runtime configuration change that is no longer valid: {}", e.getMessage());
            }
        }
        return settings;
    }

    private static void afterCommit(Runnable action) {
        if (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().afterCommit(u -> action.run());
        } else {
            action.run();
        }
    }
}
