package dev.casey.mailgateway.outbox;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import dev.casey.api.settings.Setting;
import dev.casey.api.settings.Settings;
import dev.casey.api.supportcase.RecordMailDeliveryFailureCommand;
import dev.casey.mailgateway.MailSettings;
import dev.casey.mailgateway.outbound.CarriedAttachments;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers the outbox over SMTP: one mail per transaction, locked while it is being sent so that no
 * other instance or worker sends it too. A temporary failure is retried with exponential backoff; a permanent
 * one (5xx, or still failing after {@link #MAX_ATTEMPTS} attempts) is recorded in the case history.
 * When mail sending is off, mails stay queued for the relay API.
 *
 * <p>{@code casey.outbox.workers} workers (4) deliver side by side, each over its own SMTP connection: a mail
 * waits for its server's answers (tens of milliseconds with a hosted relay) and for its commit, and one worker
 * alone sent about 400 mails/s to a local server. Mails of one case may therefore leave in another order than
 * they were queued; their Date and threading headers are fixed when they are queued.
 */
@Component
public class OutboxDelivery implements SmartLifecycle {

    static final int MAX_ATTEMPTS = 12;
    private static final Duration LAST_RETRY = Duration.ofHours(2);
    private static final Duration IDLE_POLL = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(OutboxDelivery.class);

    private final Outbox outbox;
    private final OutboxSignal signal;
    private final MailSettings settings;
    private final TransactionTemplate transactions;
    private final CommandGateway commands;
    private final Duration firstRetry;
    private final int workerCount;
    private final Supplier<SmtpSender> senders;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile List<Thread> workers = List.of();
    private volatile String lastProblem;

    @Autowired
    OutboxDelivery(Outbox outbox, OutboxSignal signal, MailSettings settings,
                   TransactionTemplate transactions, CommandGateway commands,
                   @Value("${casey.outbox.first-retry:5s}") Duration firstRetry,
                   @Value("${casey.outbox.workers:4}") int workerCount) {
        this(outbox, signal, settings, transactions, commands, firstRetry, workerCount, SmtpSender::new);
    }

    /** {@code senders}: one for each worker (a test gives its own). */
    OutboxDelivery(Outbox outbox, OutboxSignal signal, MailSettings settings,
                   TransactionTemplate transactions, CommandGateway commands, Duration firstRetry, int workerCount,
                   Supplier<SmtpSender> senders) {
        // none: this instance sends nothing (others may), as when a store restored from a backup is looked at first
        if (workerCount < 0) {
            throw new IllegalArgumentException("casey.outbox.workers must be 0 or more, not " + workerCount);
        }
        this.firstRetry = firstRetry;
        this.outbox = outbox;
        this.signal = signal;
        this.settings = settings;
        this.transactions = transactions;
        this.commands = commands;
        this.workerCount = workerCount;
        this.senders = senders;
    }

    @Override
    public synchronized void start() {
        if (workers.isEmpty()) {
            List<Thread> started = new ArrayList<>();
            for (int i = 1; i <= workerCount; i++) {
                Thread worker = new Thread(this::run, "casey-outbox-delivery-" + i);
                worker.setDaemon(true);
                started.add(worker);
            }
            workers = List.copyOf(started);
            started.forEach(Thread::start);
        }
    }

    @Override
    public synchronized void stop() {
        List<Thread> running = workers;
        workers = List.of();
        running.forEach(Thread::interrupt);
        for (Thread worker : running) {
            try {
                worker.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return !workers.isEmpty();
    }

    public long sentCount() {
        return sent.get();
    }

    public long failedCount() {
        return failed.get();
    }

    private void run() {
        try (SmtpSender smtp = senders.get()) {
            while (workers.contains(Thread.currentThread())) {
                try {
                    if (!deliverNext(smtp)) {
                        signal.await(IDLE_POLL);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // the database is away: nothing was changed, try again shortly
                    report("outbox delivery paused: " + e.getMessage());
                    sleep(IDLE_POLL);
                } catch (Throwable unexpected) {
                    // never die, not even of an OutOfMemoryError or a bug: a dead worker delivers nothing ever again
                    // and nothing notices. Its transaction was rolled back, so the mail is still queued.
                    survive(unexpected, smtp);
                }
            }
        }
    }

    private void survive(Throwable unexpected, SmtpSender smtp) {
        try {
            String problem = "outbox delivery failed unexpectedly: " + unexpected;
            if (!problem.equals(lastProblem)) {
                log.error(problem, unexpected);
                lastProblem = problem;
            }
            smtp.close(); // it may have been left in the middle of a dialogue: the next mail gets a new connection
        } catch (Throwable again) {
            // short of memory, even logging can fail; the worker goes on all the same
        }
        sleep(IDLE_POLL);
    }

    /** Delivers one due mail over this worker's connection; false when there was none (or sending is off). */
    private boolean deliverNext(SmtpSender smtp) {
        Settings current = settings.current();
        if (!current.mailEnable() || current.text(Setting.SMTP_SERVER).isEmpty()) {
            return false;
        }
        // the case hears of a mail given up only once the outbox says so for good: after the commit, and outside the
        // transaction (a command run in its afterCommit callback would join the finished transaction, see Spring's
        // TransactionSynchronization#afterCommit, and nothing would commit it)
        AtomicReference<Runnable> givenUp = new AtomicReference<>();
        AtomicReference<Outbox.Entry> taken = new AtomicReference<>();
        Boolean delivered;
        try {
            delivered = transactions.execute(tx -> deliverDue(smtp, current, givenUp, taken));
        } catch (RuntimeException e) {
            Outbox.Entry unrecorded = taken.get();
            if (unrecorded != null) {
                // without a two-phase commit with the SMTP server the mail goes out again, with the same Message-ID:
                // this line is how a repeat the recipient sees is traced
                log.warn("Mail {} (outbox row {}) was taken by the SMTP server but could not be marked sent; it is "
                        + "still queued and will be sent again: {}", unrecorded.messageId(), unrecorded.id(),
                        e.getMessage());
            }
            throw e;
        }
        if (givenUp.get() != null) {
            givenUp.get().run();
        }
        return Boolean.TRUE.equals(delivered);
    }

    private Boolean deliverDue(SmtpSender smtp, Settings current, AtomicReference<Runnable> givenUp,
                               AtomicReference<Outbox.Entry> taken) {
        Optional<Outbox.Entry> due;
        try {
            due = outbox.claimDue();
        } catch (Outbox.UncomposableMail broken) {
            failed.incrementAndGet();
            givenUp.set(() -> recordFailure(broken.entry(), broken.getMessage()));
            return true;
        }
        if (due.isEmpty()) {
            return false;
        }
        signal.signal(); // there may be more: another worker sends the next while this one waits for its server
        Outbox.Entry mail = due.get();
        try {
            Outbox.Entry went = send(smtp, current, mail);
            taken.set(went);
            outbox.sent(went);
            sent.incrementAndGet();
            lastProblem = null;
        } catch (SmtpSender.SmtpFailure failure) {
            if (failure.permanent() || mail.attempts() + 1 >= MAX_ATTEMPTS) {
                outbox.failed(mail, failure.getMessage());
                failed.incrementAndGet();
                givenUp.set(() -> recordFailure(mail, failure.getMessage()));
            } else {
                outbox.retryLater(mail, Instant.now().plus(backoff(firstRetry, mail.attempts())),
                        failure.getMessage());
                report("mail " + mail.messageId() + " to be retried: " + failure.getMessage());
            }
        }
        return true;
    }

    /**
     * Sends the mail and tells which version went: one the server refuses for the size of the attachments it carries
     * goes again at once, composed anew listing them instead (and is kept so, for a retry).
     */
    private Outbox.Entry send(SmtpSender smtp, Settings current, Outbox.Entry mail) throws SmtpSender.SmtpFailure {
        CarriedAttachments.Sendable sendable = outbox.sendable(mail);
        try {
            smtp.send(current, sendable, mail.recipient());
            return mail;
        } catch (SmtpSender.SmtpFailure failure) {
            Outbox.Entry listed = failure.tooLarge() && sendable.carries() ? outbox.listingOnly(mail) : mail;
            if (listed == mail) {
                throw failure;
            }
            log.info("Mail {} to {} was too large for the SMTP server ({}): sending it listing its attachments",
                    mail.messageId(), mail.recipient(), failure.getMessage());
            smtp.send(current, outbox.sendable(listed), mail.recipient());
            return listed;
        }
    }

    /** First retry after {@code first} (5 s), then twice as long each time, up to 2 h between attempts. */
    static Duration backoff(Duration first, int attemptsSoFar) {
        Duration delay = first.multipliedBy(1L << Math.min(attemptsSoFar, 20));
        return delay.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : delay;
    }

    /** The failure goes into the case history. */
    private void recordFailure(Outbox.Entry mail, String reason) {
        log.warn("Giving up on mail {} to {}: {}", mail.messageId(), mail.recipient(), reason);
        commands.send(new RecordMailDeliveryFailureCommand(mail.caseId(), mail.recipient(), mail.messageId(), reason,
                Actor.system("outbox"), Source.SYSTEM)).exceptionally(e -> {
                    log.error("Could not record the failed delivery of {} in case {}", mail.messageId(), mail.caseId(), e);
                    return null;
                });
    }

    private void report(String problem) {
        if (!problem.equals(lastProblem)) {
            log.warn(problem);
            lastProblem = problem;
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
