package dev.casey.server.operations;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A read that a health check waits for at most {@code limit}. With the database away, each read waits the pool's
 * 5 s timeout, and the indicators run one after another: the report came after 20 s, when monitors had given up.
 * The read goes on in the background meanwhile; whoever asks before it ends waits for that read rather than starting
 * another, so an outage piles up no threads.
 */
final class Deadline<T> implements Supplier<T> {

    private final Supplier<T> source;
    private final Duration limit;
    private final ThreadPoolExecutor executor;
    private CompletableFuture<T> inFlight;

    Deadline(String name, Supplier<T> source, Duration limit) {
        this.source = source;
        this.limit = limit;
        this.executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "casey-health-" + name);
            thread.setDaemon(true);
            return thread;
        });
        // an idle service keeps no thread for it
        executor.allowCoreThreadTimeOut(true);
    }

    @Override
    public T get() {
        CompletableFuture<T> read;
        synchronized (this) {
            if (inFlight == null || inFlight.isDone()) {
                inFlight = CompletableFuture.supplyAsync(source, executor);
            }
            read = inFlight;
        }
        try {
            return read.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new Exceeded("no answer from the database within " + limit.toMillis() + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Exceeded("interrupted while waiting for the database");
        }
    }

    static final class Exceeded extends RuntimeException {
        Exceeded(String message) {
            super(message);
        }
    }
}
