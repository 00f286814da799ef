package dev.casey.server.settings;

import dev.casey.api.settings.FetchSettingsQuery;
import dev.casey.api.settings.Setting;
import dev.casey.api.settings.Settings;
import dev.casey.api.settings.SettingsChangedEvent;
import dev.casey.api.settings.SettingsCommittedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.queryhandling.QueryHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
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
public class SettingsService implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SettingsService.class);
    /** How often the changes made on other instances are read: they arrive here at most this late (and a read). */
    static final Duration CATCH_UP_INTERVAL = Duration.ofSeconds(1);

    private final ConfigFile file;
    private final EventStore events;
    private final Settings base;
    /** The file's values, normalized; guarded by this. */
    private Map<String, Object> fileValues;
    /** Runtime values since the last commit, by key; guarded by this. */
    private Map<String, Object> overrides;
    /** The sequence number of the last configuration event taken in; guarded by this. */
    private long applied = -1;
    private volatile Settings current;
    /**
     * Catches up for everyone. Read by a request, the catch-up made that request wait too: with the database away,
     * the pool's whole timeout before the request's own work waited it again.
     */
    private final ScheduledExecutorService catchingUp = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "casey-settings-catch-up");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running;
    /** Whether the last catch-up failed; guarded by this. */
    private boolean unreadable;
    /**
     * The stored changes left out and not yet warned of, each a key and why (a catch-up that fails half way warns of
     * those it took in at the next that succeeds); guarded by this.
     */
    private final List<Map.Entry<String, String>> leftOut = new ArrayList<>();

    SettingsService(ConfigFile file, EventStore events, ObjectProvider<ServiceDefaults> serviceDefaults) {
        this.file = file;
        this.events = events;
        Settings defaults = Settings.defaults();
        for (ServiceDefaults supplied : serviceDefaults.orderedStream().toList()) {
            defaults = defaults.with(supplied.values());
        }
        this.base = defaults;
        this.fileValues = new LinkedHashMap<>(file.settings().explicitValues());
    }

    /** The configuration now in force, with the changes of other instances at most a few seconds late. */
    public Settings current() {
        Settings settings = current;
        if (settings != null) {
            return settings;
        }
        synchronized (this) {
            if (current == null) {
                catchUp();
            }
            return current;
        }
    }

    @Override
    public void start() {
        catchingUp.scheduleWithFixedDelay(this::catchUpInBackground, CATCH_UP_INTERVAL.toMillis(),
                CATCH_UP_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        catchingUp.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void catchUpInBackground() {
        try {
            synchronized (this) {
                if (current != null) {
                    catchUp();
                }
            }
        } catch (RuntimeException e) {
            // a failure ending the schedule would leave this instance on its configuration for good
            log.warn("Cannot catch up on configuration changes", e);
        }
    }

    @QueryHandler
    Settings handle(FetchSettingsQuery query) {
        return current();
    }

    @EventHandler
    void on(SettingsChangedEvent event) {
        afterCommit(this::refresh);
    }

    @EventHandler
    void on(SettingsCommittedEvent event) {
        afterCommit(this::refresh);
    }

    private synchronized void refresh() {
        catchUp();
    }

    /**
     * Takes in the configuration events not seen yet. At start, runtime changes from before the last
     * commit are in the file already; later, a commit makes the runtime values part of the file layer
     * without changing what is in force. When the event store cannot be read (the database is away),
     * the configuration known so far stays in force.
     */
    private void catchUp() {
        try {
            if (current == null) {
                overrides = replayRuntimeChanges();
            } else {
                events.readEvents(Settings.ID, applied + 1).asStream().forEach(message -> {
                    if (message.getPayload() instanceof SettingsCommittedEvent) {
                        fileValues = committed();
                        overrides = new LinkedHashMap<>();
                    } else if (message.getPayload() instanceof SettingsChangedEvent changed) {
                        apply(overrides, changed.changes());
                    }
                    applied = message.getSequenceNumber();
                });
            }
            current = base.with(fileValues).with(overrides);
            warnOfLeftOut(current);
            if (unreadable) {
                log.info("Configuration changes can be read again");
                unreadable = false;
            }
        } catch (RuntimeException e) {
            if (current == null) {
                throw e;
            }
            if (!unreadable) {
                log.warn("Cannot read configuration changes now; keeping the configuration known so far: {}",
                        e.getMessage());
                unreadable = true;
            }
        }
    }

    /** The configuration in force were the runtime value of a key withdrawn: the file's value or the default. */
    public synchronized Settings withdrawn(Setting setting) {
        current();
        Map<String, Object> others = new LinkedHashMap<>(overrides);
        others.remove(setting.key());
        return base.with(fileValues).with(others);
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
        // read from the first event again: what a failed attempt left out is met again
        leftOut.clear();
        events.readEvents(Settings.ID).asStream().forEach(message -> {
            if (message.getPayload() instanceof SettingsCommittedEvent) {
                sinceCommit.clear();
            } else if (message.getPayload() instanceof SettingsChangedEvent changed) {
                apply(sinceCommit, changed.changes());
            }
            applied = message.getSequenceNumber();
        });
        return sinceCommit;
    }

    /**
     * Takes stored changes into the runtime values. A value this version refuses (an older one accepted it, or the
     * key is gone) drops the runtime value of its key, and the file's value or the default is in force: at start and
     * when caught up alike, so instances agree, and one bad value neither stops the start nor holds up the changes
     * after it. Keeping the value before it instead would undo what the change meant to replace (a token revoked by
     * a new token list would be valid again).
     */
    private void apply(Map<String, Object> overrides, Map<String, Object> changes) {
        changes.forEach((key, value) -> {
            if (value == null) {
                overrides.remove(key);
                return;
            }
            try {
                base.with(Map.of(key, value));
                overrides.put(key, value);
            } catch (IllegalArgumentException e) {
                overrides.remove(key);
                leftOut.add(Map.entry(key, e.getMessage()));
            }
        });
    }

    /**
     * Says which stored changes were left out, once the value in force is known: a later change of the same key may
     * set it, so the file's value or the default is not necessarily what applies.
     */
    private void warnOfLeftOut(Settings inForce) {
        for (Map.Entry<String, String> change : leftOut) {
            String key = change.getKey();
            String now = Setting.byKey(key).map(setting -> key + " is " + shown(setting, inForce.get(setting)))
                    .orElse(key + " is no key of this version");
            log.warn("Ignoring a stored runtime configuration change that is not valid; this change is left out, "
                    + "and {}: {}", now, change.getValue());
        }
        leftOut.clear();
    }

    /** A value for the log: passwords and tokens are never written there, only whether they are set. */
    private static String shown(Setting setting, Object value) {
        if (value == null) {
            return "not set";
        }
        if (value instanceof List<?> tokens && setting.secret()) {
            return tokens.size() + " API tokens (not shown)";
        }
        if (setting.secret()) {
            return "set (not shown)";
        }
        return value instanceof String text ? "\"" + text + "\"" : value.toString();
    }

    private static void afterCommit(Runnable action) {
        if (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().afterCommit(u -> action.run());
        } else {
            action.run();
        }
    }
}
