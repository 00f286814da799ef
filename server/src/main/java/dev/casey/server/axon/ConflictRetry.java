package dev.casey.server.axon;

import dev.casey.api.common.LostRaces;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.gateway.RetryScheduler;

/**
 * Retries a command that lost a race ({@link LostRaces}): two instances (or two threads) appended to the same case at
 * once and the event store's unique (aggregate, sequence) key refused the second, or a rebuild replaced the case's
 * view meanwhile. Business refusals and every other failure are final, and so is a race lost by a command sent inside
 * its sender's transaction: on another thread it would run without the sender's earlier work, which the rollback
 * took with it; that sender runs its whole transaction again.
 */
public final class ConflictRetry implements RetryScheduler, AutoCloseable {

    static final int MAX_RETRIES = 8;
    private static final Duration FIRST_DELAY = Duration.ofMillis(10);
    /**
     * Retries run their whole transaction on these threads: on one thread, a retry waited for every other retry of the
     * instance, of any case, and ran later than its jitter said.
     */
    static final int THREADS = 4;

    private final AtomicLong retried = new AtomicLong();
    private final AtomicInteger threads = new AtomicInteger();
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(THREADS, runnable -> {
        Thread thread = new Thread(runnable, "casey-command-retry-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public boolean scheduleRetry(CommandMessage commandMessage, RuntimeException lastFailure,
                                 List<Class<? extends Throwable>[]> failures, Runnable commandDispatch) {
        if (!LostRaces.lostARace(lastFailure) || failures.size() > MAX_RETRIES
                || Boolean.TRUE.equals(commandMessage.getMetaData().get(LostRaces.IN_SENDERS_TRANSACTION))) {
            return false;
        }
        // jitter, growing with each attempt, so that the racers do not meet again: up to 640 ms, a few appends to a
        // busy case, and at most 2.5 s in all before the client is told CASE_BUSY
        long bound = FIRST_DELAY.toMillis() << Math.min(failures.size(), 6);
        retried.incrementAndGet();
        executor.schedule(commandDispatch, ThreadLocalRandom.current().nextLong(1, bound + 1), TimeUnit.MILLISECONDS);
        return true;
    }

    /** How many commands were run again after losing a race, since the start. */
    public long retried() {
        return retried.get();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
