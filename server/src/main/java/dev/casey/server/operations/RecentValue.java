package dev.casey.server.operations;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * A value read from the database at most once per {@code maxAge}: one scrape reads several gauges
 * from the same query, and health checks and scrapes may come at the same time.
 */
final class RecentValue<T> implements Supplier<T> {

    private final Supplier<T> source;
    private final long maxAgeNanos;
    private T value;
    private long readAt;
    private boolean present;

    RecentValue(Supplier<T> source, Duration maxAge) {
        this.source = source;
        this.maxAgeNanos = maxAge.toNanos();
    }

    @Override
    public synchronized T get() {
        long now = System.nanoTime();
        if (!present || now - readAt >= maxAgeNanos) {
            value = source.get();
            readAt = now;
            present = true;
        }
        return value;
    }
}
