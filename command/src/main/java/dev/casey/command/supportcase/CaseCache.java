package dev.casey.command.supportcase;

import java.util.ArrayList;
import java.util.Iterator;
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
import org.springframework.util.unit.DataSize;

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
 * <p>Least recently used cases go first once {@code casey.case-cache-size} cases are held, or once the cases held
 * take more than {@code casey.case-cache-memory} of heap by their own estimate ({@link CachedFootprint}): a case
 * keeps the ids of all its messages, so 10,000 cases of 1,000 messages would take 1.4 GB (bench CaseMemory).
 */
@Component(CaseCache.BEAN)
class CaseCache implements Cache {

    static final String BEAN = "caseCache";
    /** What an aggregate that does not estimate itself is taken to hold. */
    static final long UNKNOWN_BYTES = 1_500;

    private final EventStore events;
    private final int size;
    private final long memory;
    /** Least recently used first; guarded by itself, as {@link #bytesHeld} is. */
    private final LinkedHashMap<Object, Held> entries;
    private long bytesHeld;
    private final List<EntryListener> listeners = new CopyOnWriteArrayList<>();

    /** A cached value and the heap it was estimated to hold when it was put. */
    private record Held(Object value, long bytes) {
    }

    CaseCache(EventStore events, @Value("${casey.case-cache-size:10000}") int size,
              @Value("${casey.case-cache-memory:64MB}") DataSize memory) {
        if (size < 0) {
            throw new IllegalArgumentException("casey.case-cache-size must not be negative, not " + size);
        }
        if (memory.isNegative()) {
            throw new IllegalArgumentException("casey.case-cache-memory must not be negative, not " + memory);
        }
        this.events = events;
        this.size = size;
        this.memory = memory.toBytes();
        this.entries = new LinkedHashMap<>(Math.min(size, 1024), 0.75f, true);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> V get(K key) {
        Object value;
        synchronized (entries) {
            Held held = entries.get(key);
            value = held == null ? null : held.value();
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
        Held held = held(value);
        Held previous;
        List<Object> evicted;
        synchronized (entries) {
            previous = entries.put(key, held);
            evicted = makeRoom(held, previous);
        }
        listeners.forEach(l -> {
            if (previous == null) {
                l.onEntryCreated(key, value);
            } else {
                l.onEntryUpdated(key, value);
            }
        });
        expired(evicted);
    }

    @Override
    public boolean putIfAbsent(Object key, Object value) {
        Held held = held(value);
        boolean added;
        List<Object> evicted = List.of();
        synchronized (entries) {
            added = !entries.containsKey(key);
            if (added) {
                entries.put(key, held);
                evicted = makeRoom(held, null);
            }
        }
        if (added) {
            listeners.forEach(l -> l.onEntryCreated(key, value));
        }
        expired(evicted);
        return added;
    }

    @Override
    public boolean remove(Object key) {
        boolean removed;
        synchronized (entries) {
            Held held = entries.remove(key);
            removed = held != null;
            if (removed) {
                bytesHeld -= held.bytes();
            }
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
            bytesHeld = 0;
        }
    }

    /** Counts an entry just put in, then evicts the least recently used while they are too many or take too much. */
    private List<Object> makeRoom(Held added, Held replaced) {
        bytesHeld += added.bytes() - (replaced == null ? 0 : replaced.bytes());
        List<Object> evicted = new ArrayList<>();
        Iterator<Map.Entry<Object, Held>> eldest = entries.entrySet().iterator();
        while ((entries.size() > size || bytesHeld > memory) && eldest.hasNext()) {
            Map.Entry<Object, Held> entry = eldest.next();
            bytesHeld -= entry.getValue().bytes();
            evicted.add(entry.getKey());
            eldest.remove();
        }
        return evicted;
    }

    private void expired(List<Object> keys) {
        keys.forEach(key -> listeners.forEach(l -> l.onEntryExpired(key)));
    }

    private static Held held(Object value) {
        long bytes = UNKNOWN_BYTES;
        if (value instanceof AggregateCacheEntry<?> entry
                && entry.recreateAggregate(null, null, null, null).getAggregateRoot() instanceof CachedFootprint kase) {
            bytes = kase.estimatedBytes();
        }
        return new Held(value, bytes);
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

    /** The heap the cases held take, by their own estimate. */
    long bytesHeld() {
        synchronized (entries) {
            return bytesHeld;
        }
    }
}
