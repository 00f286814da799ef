package dev.casey.mailgateway.outbox;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Wakes the delivery as soon as new mail is committed, instead of at its next poll. */
@Component
class OutboxSignal {

    private final Semaphore pending = new Semaphore(0);

    /** Signals after the current transaction commits (or now, outside one). */
    void afterCommit() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    signal();
                }
            });
        } else {
            signal();
        }
    }

    void signal() {
        if (pending.availablePermits() == 0) {
            pending.release();
        }
    }

    /** Waits for a signal at most that long. */
    void await(Duration timeout) throws InterruptedException {
        if (pending.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            pending.drainPermits();
        }
    }
}
