package dev.casey.api.common;

import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;

/**
 * Work that lost a race for the same case: another command appended to it first (on another instance, or another
 * thread), a read-model rebuild replaced the case's view while the command ran, or PostgreSQL rolled the transaction
 * back to break a deadlock (a command meeting the rows the mail directory's repair writes) or, for work in REPEATABLE
 * READ such as that repair, because a row it writes changed since its snapshot. The whole unit of work was rolled back,
 * so running it again on the fresh state is safe.
 */
public final class LostRaces {

    /**
     * Metadata key (value {@code true}) of a command sent inside its sender's own transaction: a lost race rolls back
     * the sender's earlier work in that transaction too, so the command must not be run again on its own; the sender
     * runs its whole transaction again.
     */
    public static final String IN_SENDERS_TRANSACTION = "caseyInSendersTransaction";

    /** PostgreSQL's serialization failure and deadlock: the transaction was rolled back, and may simply run again. */
    private static final Set<String> RETRYABLE_SQL_STATES = Set.of("40001", "40P01");

    private LostRaces() {
    }

    /** Whether this failure, or one of its causes, is a lost race that running again may win. */
    public static boolean lostARace(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AggregateStreamCreationException) {
                return false; // the aggregate exists already: running again will not change that
            }
            if (t instanceof ConcurrencyException
                    || t instanceof SQLException sql && sql.getSQLState() != null
                            && RETRYABLE_SQL_STATES.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs the work, and runs it again while it loses races, up to attempts times in all, with a jitter that grows
     * with each attempt so that the racers do not meet again; any other failure, or the last one, is thrown.
     */
    public static <T> T retried(int attempts, Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (RuntimeException e) {
                if (attempt >= attempts || !lostARace(e)) {
                    throw e;
                }
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(1, (5L << Math.min(attempt, 10)) + 1));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
