package dev.casey.server.operations;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * A value read from the database at most once per {@code maxAge}, or the failure to read it: one scrape reads
 * several gauges from the same query, and health checks and scrapes may come at the same time.
 */
final class RecentValue<T> implements Supplier<T> {

    private final Supplier<T> source;
    private final long maxAgeNanos;
    private T value;
    private RuntimeException failure;
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
            readAt = now;
            present = true;
            try {
                value = source.get();
                failure = null;
            } catch (RuntimeException e) {
                // remembered like a value: with the database away every read waits for the pool's timeout, and one
                // scrape reads several gauges
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return value;
    }
}
