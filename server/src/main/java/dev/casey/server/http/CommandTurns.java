package dev.casey.server.http;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * How many commands sent over HTTP this instance runs at once ({@code casey.commands.concurrency}, by default twice
 * its processors); the others wait for their turn in the order they came, at most {@code casey.commands.wait} (5 s,
 * as long as for a database connection), and are then told to come again.
 *
 * <p>A command is a transaction of 10 (a message) to 30 (an opening) statements. With as many at once as clients send,
 * PostgreSQL spends its processors switching between them: on 2 cores, 16 clients were served 17 % (openings) and 24 %
 * (messages) more commands a second when 6 ran at once, and with 4 another 30 % and 13 % (3: 6 % more openings, 19 %
 * fewer messages; bench/README.md, "Commands at once"). The default is the pool-sizing rule of thumb of HikariCP's
 * authors, twice the database's cores and its spindles, with none of those (the data in memory or on SSD) and caseyd's
 * processors for the database's: where PostgreSQL has cores of its own, raise it. Mail, timers and the mailbox do not
 * take turns: they run on a few threads of their own, and a mail must never wait to be told it came too early.
 */
@Component
class CommandTurns {

    private final Semaphore turns;
    private final int concurrency;
    private final long waitNanos;

    CommandTurns(@Value("${casey.commands.concurrency:0}") int concurrency,
                 @Value("${casey.commands.wait:5s}") Duration wait) {
        if (concurrency < 0) {
            throw new IllegalArgumentException("casey.commands.concurrency must not be negative, not " + concurrency);
        }
        if (wait.isNegative()) {
            throw new IllegalArgumentException("casey.commands.wait must not be negative, not " + wait);
        }
        this.concurrency = concurrency == 0 ? 2 * Runtime.getRuntime().availableProcessors() : concurrency;
        this.turns = new Semaphore(this.concurrency, true);
        this.waitNanos = wait.toNanos();
    }

    /** Runs the command's sending in its turn; nothing is sent when its turn did not come in time. */
    <R> R inTurn(Supplier<R> send) {
        boolean taken;
        try {
            taken = turns.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoTurn(concurrency);
        }
        if (!taken) {
            throw new NoTurn(concurrency);
        }
        try {
            return send.get();
        } finally {
            turns.release();
        }
    }

    /** How many commands may run at once. */
    int concurrency() {
        return concurrency;
    }

    /** The instance ran as many commands as it may at once, and none ended while this one waited. */
    static final class NoTurn extends RuntimeException {
        NoTurn(int concurrency) {
            super("all " + concurrency + " turns for commands were taken for as long as a command may wait");
        }
    }
}
