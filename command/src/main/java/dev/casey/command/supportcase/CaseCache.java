package dev.casey.command.supportcase;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.axonframework.common.Registration;
import org.axonframework.common.caching.Cache;
import org.axonframework.eventsourcing.AggregateCacheEntry;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The cases last worked on, kept in memory so that a command loads neither their events nor their snapshot.
 *
 * <p>A cached case is only used while it is as new as the store: before handing one out, the cache asks the event
 * store for the case's last sequence number (one index lookup, in the command's transaction). Another instance on
 * the same database, or anything else that appended to the case, makes the entry stale; it is dropped and the case
 * is loaded from its events. Without that check, a stale case could refuse a command the current one accepts (a
 * message to a case reopened elsewhere), and no append conflict would tell. Axon drops the entry itself when a
 * command's unit of work rolls back, so a half-applied command never stays in the cache.
 *
 * <p>Least recently used cases go first once {@code casey.case-cache-size} cases are held.
 */
@Component(CaseCache.BEAN)
class CaseCache implements Cache {

    static final String BEAN = "caseCache";

    private final EventStore events;
    private final Map<Object, Object> entries;
    private final List<EntryListener> listeners = new CopyOnWriteArrayList<>();

    CaseCache(EventStore events, @Value("${casey.case-cache-size:10000}") int size) {
        if (size < 0) {
            throw new IllegalArgumentException("casey.case-cache-size must not be negative, not " + size);
        }
        this.events = events;
        this.entries = new LinkedHashMap<>(Math.min(size, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, Object> eldest) {
                if (size() <= size) {
                    return false;
                }
                listeners.forEach(l -> l.onEntryExpired(eldest.getKey()));
                return true;
            }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> V get(K key) {
        Object value;
        synchronized (entries) {
            value = entries.get(key);
        }
        if (value == null) {
            return null;
        }
        if (value instanceof AggregateCacheEntry<?> entry && !current(key, entry)) {
            remove(key);
            return null;
        }
        listeners.forEach(l -> l.onEntryRead(key, value));
        return (V) value;
    }

    /** Whether the store holds no event of the case after the cached one. */
    private boolean current(Object key, AggregateCacheEntry<?> entry) {
        // entries live in memory only, where Axon hands back the very aggregate it cached, arguments unused
        Long cached = entry.recreateAggregate(null, null, null, null).version();
        Long stored = events.lastSequenceNumberFor(key.toString()).orElse(null);
        return cached != null && cached.equals(stored);
    }

    @Override
    public void put(Object key, Object value) {
        Object previous;
        synchronized (entries) {
            previous = entries.put(key, value);
        }
        listeners.forEach(l -> {
            if (previous == null) {
                l.onEntryCreated(key, value);
            } else {
                l.onEntryUpdated(key, value);
            }
        });
    }

    @Override
    public boolean putIfAbsent(Object key, Object value) {
        boolean added;
        synchronized (entries) {
            added = entries.putIfAbsent(key, value) == null;
        }
        if (added) {
            listeners.forEach(l -> l.onEntryCreated(key, value));
        }
        return added;
    }

    @Override
    public boolean remove(Object key) {
        boolean removed;
        synchronized (entries) {
            removed = entries.remove(key) != null;
        }
        if (removed) {
            listeners.forEach(l -> l.onEntryRemoved(key));
        }
        return removed;
    }

    @Override
    public void removeAll() {
        synchronized (entries) {
            entries.keySet().forEach(key -> listeners.forEach(l -> l.onEntryRemoved(key)));
            entries.clear();
        }
    }

    @Override
    public boolean containsKey(Object key) {
        synchronized (entries) {
            return entries.containsKey(key);
        }
    }

    @Override
    public Registration registerCacheEntryListener(EntryListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** How many cases are held. */
    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
