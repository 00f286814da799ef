package dev.casey.server.axon;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.gateway.RetryScheduler;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;

/**
 * Retries a command that lost a race: two instances (or two threads) appended to the same case at
 * once and the event store's unique (aggregate, sequence) key refused the second. Its unit of work
 * was rolled back entirely, so running the command again on the fresh state is safe; business
 * refusals and every other failure are final.
 */
public final class ConflictRetry implements RetryScheduler, AutoCloseable {

    static final int MAX_RETRIES = 8;
    private static final Duration FIRST_DELAY = Duration.ofMillis(5);

    private final AtomicLong retried = new AtomicLong();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "casey-command-retry");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public boolean scheduleRetry(CommandMessage commandMessage, RuntimeException lastFailure,
                                 List<Class<? extends Throwable>[]> failures, Runnable commandDispatch) {
        if (!lostARace(lastFailure) || failures.size() > MAX_RETRIES) {
            return false;
        }
        // jitter, growing with each attempt, so that the racers do not meet again
        long bound = FIRST_DELAY.toMillis() << Math.min(failures.size(), 6);
        retried.incrementAndGet();
        executor.schedule(commandDispatch, ThreadLocalRandom.current().nextLong(1, bound + 1), TimeUnit.MILLISECONDS);
        return true;
    }

    /** How many commands were run again after losing a race, since the start. */
    public long retried() {
        return retried.get();
    }

    static boolean lostARace(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AggregateStreamCreationException) {
                return false; // the aggregate exists already: running again will not change that
            }
            if (t instanceof ConcurrencyException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
