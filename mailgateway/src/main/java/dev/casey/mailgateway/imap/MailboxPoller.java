package dev.casey.mailgateway.imap;

import jakarta.mail.Flags;
import jakarta.mail.FolderClosedException;
import jakarta.mail.Message;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.StoreClosedException;
import jakarta.mail.event.MessageCountAdapter;
import jakarta.mail.event.MessageCountEvent;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reads the support mailbox over IMAP and hands each raw message to the {@link InboundSink}, on one
 * background thread.
 *
 * <ul>
 *   <li>Only one poller works at a time among all instances sharing the PostgreSQL database: the one
 *       holding the session advisory lock {@link #LEADER_LOCK_KEY} on a dedicated connection. The
 *       others retry every sync interval and take over when the leader's connection goes away.</li>
 *   <li>Each cycle takes every message in the inbox in arrival (UID) order, their bytes read ahead in batches
 *       (one {@code UID FETCH} for up to {@value #PREFETCH_COUNT} messages). After the sink answered
 *       {@code PROCESSED} or {@code DUPLICATE} the message gets {@value #PROCESSED_KEYWORD} (when the
 *       server keeps user flags) and is moved to the processed folder; after {@code QUARANTINE} it gets
 *       {@value #QUARANTINED_KEYWORD} and goes to the quarantine folder. A message still carrying the quarantine
 *       keyword (its move failed, or someone moved it back) is moved there again without asking the sink. One carrying
 *       the processed keyword is handed over again: the sink knows it (a duplicate), unless its store does not, as
 *       after a restore from a backup, when mail moved back from the processed folder is taken in again.</li>
 *   <li>When the sink throws, the message stays in the inbox untouched and the cycle ends: nothing
 *       after it is handed over before it (replies must keep their order). The poller backs off
 *       (exponentially, at most the sync interval) and tries again.</li>
 *   <li>A message the server cannot deliver is retried; after {@value #MAX_FETCH_FAILURES} failures
 *       in a row it is moved to the quarantine folder, unread: when the last failure lost the connection, first thing
 *       after reconnecting. A read-ahead that loses the connection is no one message's failure, so until the inbox
 *       has been read to its end messages are read one at a time, and such a message's failures become its own.</li>
 *   <li>So is a message the sink failed to take {@value #MAX_SINK_FAILURES} times in a row for a reason that is not
 *       one of the moment ({@link InboundSink#temporary}): a StackOverflowError, say. A failure of the moment (the
 *       database away) never moves a message.</li>
 *   <li>Each cycle also counts the inbox over a second connection (STATUS): a message the server never
 *       announced to the open inbox is found within one sync interval (the inbox is opened again).</li>
 *   <li>Between cycles it waits in IMAP IDLE when the server can (new mail is picked up at once),
 *       at most one sync interval, else it sleeps one sync interval.</li>
 *   <li>Failures are logged once per distinct problem; the thread never ends but by {@link #stop()}.</li>
 * </ul>
 * The settings are read again on every cycle: when they change the mailbox is reconnected; when they
 * are absent or disabled the poller does nothing (and does not lead).
 */
public class MailboxPoller implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MailboxPoller.class);
    private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();

    /** The advisory lock key ("CaseyIMA"): one leader per database. */
    public static final long LEADER_LOCK_KEY = 0x4361_7365_7949_4D41L;
    /** Keyword set on a message whose outcome is processed or duplicate. */
    public static final String PROCESSED_KEYWORD = "$CaseyProcessed";
    /** Keyword set on a quarantined message. */
    public static final String QUARANTINED_KEYWORD = "$CaseyQuarantined";
    /** Failed reads of one message in a row after which it goes to quarantine. */
    public static final int MAX_FETCH_FAILURES = 5;
    /** Failures of the sink for one message in a row, none of them of the moment, after which it goes to quarantine. */
    public static final int MAX_SINK_FAILURES = 5;
    /**
     * Handled messages are flagged and moved together, up to this many at a time: one STORE and one MOVE for a
     * batch instead of two round trips per mail. Those not yet moved when the service dies are read again after
     * the restart and answered as duplicates (by Message-ID, or by the digest of their bytes).
     */
    static final int FILING_BATCH = 50;
    /**
     * Moved messages stay in the IMAP client's cache (expunged) until the inbox is closed; past this many it
     * is opened again, so a poller that runs for months does not hold every message it ever moved.
     */
    static final int MAX_MOVED_IN_CACHE = 1000;
    /**
     * The next messages are read with one {@code UID FETCH}, up to this many and about {@link #PREFETCH_BYTES}
     * (a larger message comes alone): one round trip for a batch instead of one per message, which is what
     * limits a remote mailbox (20 ms away: 50 mails/s at most).
     */
    static final int PREFETCH_COUNT = 50;
    static final long PREFETCH_BYTES = 8L * 1024 * 1024;

    /** How often absent or disabled settings are read again (or at once on {@link #wake()}). */
    static final Duration SETTINGS_RECHECK = Duration.ofSeconds(5);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    /** RFC 2177: re-issue IDLE at least every 29 minutes. */
    static final Duration MAX_IDLE = Duration.ofMinutes(25);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(4);

    private final Supplier<Optional<MailboxSettings>> settings;
    private final InboundSink sink;
    private final DataSource dataSource;
    private final Clock clock;
    private final ProblemLog problems = new ProblemLog(log);

    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong quarantined = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile Instant lastSuccessfulCycle;
    private volatile boolean leader;
    private volatile boolean connected;
    private volatile boolean idling;
    /** Test hook: {@code false} uses COPY + EXPUNGE even when the server has MOVE. */
    volatile boolean preferMove = true;
    /** Test hook: how many handled messages are filed together at most. */
    volatile int filingBatch = FILING_BATCH;
    /** Test hook: {@link #MAX_MOVED_IN_CACHE}. */
    volatile int maxMovedInCache = MAX_MOVED_IN_CACHE;
    /** Test hook: told how many messages each read-ahead asks the server for. */
    volatile IntConsumer readAheadObserver = count -> { };
    /** Test hook: how a message's bytes are read from the server. */
    volatile RawReader rawReader = (message, prefetched) ->
            prefetched != null ? prefetched : ImapConnection.raw(message);

    /** Test hook: how the bytes of several messages are read with one round trip. */
    volatile BatchReader batchReader = ImapConnection::raw;

    /** Reads the raw bytes of several messages at once, by UID. */
    @FunctionalInterface
    interface BatchReader {
        Map<Long, byte[]> read(ImapConnection connection, List<Message> messages) throws MessagingException;
    }

    /** Reads the raw bytes of a message: those read together with the next messages, else from the server. */
    @FunctionalInterface
    interface RawReader {
        /** @param prefetched the bytes read together with other messages; {@code null} when they were not */
        byte[] read(Message message, byte[] prefetched) throws MessagingException, IOException;
    }

    /** The bytes read ahead in one round trip, by UID, and the index of the last message they cover. */
    private record Prefetched(Map<Long, byte[]> raw, int until) {
    }

    private final Object lifecycle = new Object();
    private Worker worker;

    /**
     * @param settings   read on every cycle; empty (or disabled settings) = IMAP not configured: do nothing
     * @param sink       takes each raw message
     * @param dataSource the PostgreSQL database shared by all instances (leadership)
     * @param clock      for {@link Stats#lastSuccessfulCycle()}
     */
    public MailboxPoller(Supplier<Optional<MailboxSettings>> settings, InboundSink sink, DataSource dataSource,
                         Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public MailboxPoller(Supplier<Optional<MailboxSettings>> settings, InboundSink sink, DataSource dataSource) {
        this(settings, sink, dataSource, Clock.systemUTC());
    }

    /** Starts the background thread (no-op when running). */
    @Override
    public void start() {
        synchronized (lifecycle) {
            if (worker != null) {
                return;
            }
            worker = new Worker(THREAD_NUMBERS.incrementAndGet());
            worker.start();
        }
    }

    /**
     * Stops the background thread: interrupts a sleep or an IDLE and waits a few seconds for the
     * current message to be finished. Returns within about {@link #STOP_TIMEOUT} plus one second.
     */
    @Override
    public void stop() {
        Worker stopping;
        synchronized (lifecycle) {
            stopping = worker;
            worker = null;
        }
        if (stopping != null) {
            stopping.shutdown();
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (lifecycle) {
            return worker != null;
        }
    }

    /** Re-reads the settings and checks the mailbox now instead of at the end of the current wait. */
    public void wake() {
        Worker current;
        synchronized (lifecycle) {
            current = worker;
        }
        if (current != null) {
            current.wake();
        }
    }

    /** Counters for metrics. */
    public Stats stats() {
        return new Stats(processed.get(), duplicates.get(), quarantined.get(), failures.get(), lastSuccessfulCycle,
                leader, connected, idling);
    }

    /**
     * A snapshot of the counters.
     *
     * @param processed           messages the sink answered {@code PROCESSED} for
     * @param duplicates          messages the sink answered {@code DUPLICATE} for
     * @param quarantined         messages moved to quarantine (sink answer, or unreadable)
     * @param failures            failures of any kind: mailbox, database, sink (temporary), unreadable message
     * @param lastSuccessfulCycle end of the last cycle that emptied the inbox; {@code null} before the first
     * @param leader              whether this instance holds the leadership
     * @param connected           whether an IMAP connection is open
     * @param idling              whether the poller is waiting in IMAP IDLE right now
     */
    public record Stats(long processed, long duplicates, long quarantined, long failures,
                        Instant lastSuccessfulCycle, boolean leader, boolean connected, boolean idling) {
    }

    /** Outcome of emptying the inbox once. */
    private enum Drain { DONE, BLOCKED, STOPPED }

    /** One run of the background thread, from {@link #start()} to {@link #stop()}. */
    private final class Worker implements Runnable {

        private final Thread thread;
        private final ScheduledExecutorService scheduler;
        private final LeaderLock leaderLock = new LeaderLock(dataSource, LEADER_LOCK_KEY);
        private final Sleeper sleeper = new Sleeper();
        private final MessageCountAdapter newMailListener = new MessageCountAdapter() {
            @Override
            public void messagesAdded(MessageCountEvent e) {
                requestIdleAbort(); // new mail: leave IDLE (or skip the next one) and run a cycle
            }
        };
        private volatile boolean stopping;
        /** Set by new mail, the IDLE watchdog and {@link #wake()}; cleared when a cycle starts reading. */
        private volatile boolean abortRequested;
        /** The folder this thread is (about to be) idling on, else {@code null}. */
        private volatile IMAPFolder idlingFolder;

        // poller thread only
        private ImapConnection connection;
        private int backoffAttempts;
        private Boolean wasLeader;
        private boolean wasConfigured = true;
        private Duration lastSyncInterval = SETTINGS_RECHECK;
        private long uidValidity = -1;
        /** Whether the last cycle found a message in the inbox to hand over or file. */
        private boolean sawMail;
        private final Map<Long, Integer> fetchFailures = new HashMap<>();
        private final Map<Long, Integer> sinkFailures = new HashMap<>();
        /**
         * Messages that failed to be read {@value #MAX_FETCH_FAILURES} times and go to quarantine unread, before they
         * are read again: the last failure may have closed the connection they would have been moved on.
         */
        private final Map<Long, Unreadable> unreadable = new HashMap<>();
        /**
         * Whether a read-ahead lost the connection in this drain or one before it that did not get through: a message
         * that drops the connection would drop every batch it is in, and such a failure is no one message's. Until the
         * inbox has been read to its end, messages are read one at a time, so that each failure is the message's own.
         */
        private boolean readOneByOne;
        /** The largest message the sink takes, as of the start of the current drain. */
        private long largest = Long.MAX_VALUE;

        Worker(int number) {
            thread = new Thread(this, "casey-imap-poller-" + number);
            thread.setDaemon(true);
            scheduler = Executors.newScheduledThreadPool(2, task -> {
                Thread t = new Thread(task, "casey-imap-watchdog-" + number);
                t.setDaemon(true);
                return t;
            });
        }

        void start() {
            thread.start();
        }

        void wake() {
            sleeper.wake();
            requestIdleAbort();
        }

        void shutdown() {
            stopping = true;
            sleeper.wake();
            if (Thread.currentThread() == thread) { // stop() called by the sink: ends after this message
                scheduler.shutdown();
                return;
            }
            ScheduledFuture<?> aborter = null;
            try {
                // repeatedly: an IDLE may be just about to start
                aborter = scheduler.scheduleWithFixedDelay(this::abortIdle, 0, 100, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException ignored) {
                // already shut down
            }
            try {
                thread.join(STOP_TIMEOUT.toMillis());
                if (thread.isAlive()) {
                    thread.interrupt();
                    thread.join(1000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                log.warn("The IMAP poller thread did not stop within {}; it ends after its current operation",
                        STOP_TIMEOUT);
            }
            if (aborter != null) {
                aborter.cancel(true);
            }
            scheduler.shutdownNow();
        }

        @Override
        public void run() {
            log.info("IMAP poller started");
            try {
                while (!stopping) {
                    Duration pause;
                    try {
                        pause = cycle();
                    } catch (Throwable unexpected) { // never die, not even of a bug
                        failures.incrementAndGet();
                        problems.report("poller", "The IMAP poller cycle failed unexpectedly", unexpected, true);
                        disconnect(false);
                        pause = backoff(currentSyncInterval());
                    }
                    if (!stopping && !pause.isZero()) {
                        sleeper.sleep(pause);
                    }
                }
            } finally {
                leaderLock.release(); // first: a standby may take over while the mailbox is closed
                leader = false;
                disconnect(true);
                log.info("IMAP poller stopped");
            }
        }

        /** One cycle; returns how long to pause before the next one. */
        private Duration cycle() {
            MailboxSettings current;
            try {
                current = Optional.ofNullable(settings.get()).flatMap(s -> s).filter(MailboxSettings::enabled)
                        .orElse(null);
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                problems.report("settings", "Cannot read the IMAP settings", e, true);
                return SETTINGS_RECHECK;
            }
            problems.resolved("settings", "The IMAP settings can be read again");
            if (current == null) {
                if (wasConfigured) {
                    log.info("IMAP is not configured or disabled: the mailbox is not polled");
                    wasConfigured = false;
                }
                disconnect(true);
                leaderLock.release();
                leader = false;
                wasLeader = null;
                return SETTINGS_RECHECK;
            }
            wasConfigured = true;
            lastSyncInterval = current.syncInterval();
            if (!lead()) {
                disconnect(true);
                return current.syncInterval();
            }
            try {
                connect(current);
                Drain drained = drain();
                if (drained == Drain.BLOCKED) {
                    return backoff(current.syncInterval());
                }
                if (drained == Drain.STOPPED) {
                    return Duration.ZERO;
                }
                backoffAttempts = 0;
                lastSuccessfulCycle = clock.instant();
                problems.resolved("imap", "The IMAP mailbox " + current.describe() + " works again");
                problems.resolved("poller", "The IMAP poller works again");
                if (!sawMail) {
                    // after a cycle that handled mail, look again at once: mail that came in meanwhile may
                    // have been announced in an answer of that cycle, and IDLE would not announce it again
                    awaitNewMail(current.syncInterval());
                }
                return Duration.ZERO;
            } catch (MessagingException e) {
                failures.incrementAndGet();
                problems.report("imap", "The IMAP mailbox " + current.describe() + " is unavailable", e, false);
                disconnect(false);
                return backoff(current.syncInterval());
            }
        }

        /** Keeps or takes the leadership; logs changes. */
        private boolean lead() {
            boolean now;
            try {
                now = leaderLock.holdOrAcquire();
                problems.resolved("leadership", "The database answers the IMAP poller leadership check again");
            } catch (SQLException | RuntimeException e) {
                failures.incrementAndGet();
                problems.report("leadership", "Cannot take or check the IMAP poller leadership in the database",
                        e, false);
                now = false;
            }
            if (wasLeader == null || now != wasLeader) {
                if (now) {
                    log.info("This instance polls the IMAP mailbox (leader)");
                } else if (Boolean.TRUE.equals(wasLeader)) {
                    log.warn("This instance lost the IMAP poller leadership; it stands by");
                } else {
                    log.info("Another instance polls the IMAP mailbox; this one stands by");
                }
                wasLeader = now;
            }
            leader = now;
            return now;
        }

        private void connect(MailboxSettings current) throws MessagingException {
            if (connection != null && (!connection.settings.sameMailbox(current) || !connection.isAlive())) {
                boolean changed = !connection.settings.sameMailbox(current);
                if (changed) {
                    log.info("The IMAP settings changed: reconnecting to {}", current.describe());
                }
                disconnect(changed);
            }
            if (connection == null) {
                connection = ImapConnection.open(current, newMailListener);
                connected = true;
                log.info("Connected to the IMAP mailbox {} ({})", current.describe(), connection.capabilities());
            } else {
                connection.settings = current; // same mailbox; the interval may have changed
            }
        }

        /** Hands every message in the inbox to the sink, in order, until done or blocked. */
        private Drain drain() throws MessagingException {
            ImapConnection c = connection;
            abortRequested = false; // mail that arrives from now on is seen by the listener
            Message[] messages = c.messages(maxMovedInCache);
            sawMail = false;
            long validity = c.inbox.getUIDValidity();
            if (validity != uidValidity) {
                fetchFailures.clear();
                sinkFailures.clear();
                unreadable.clear();
                uidValidity = validity;
            }
            largest = largestMessage();
            List<Message> handled = new ArrayList<>();
            Prefetched prefetched = new Prefetched(new HashMap<>(), -1);
            boolean handedOver = false;
            for (int index = 0; index < messages.length; index++) {
                Message message = messages[index];
                if (stopping) {
                    file(c, handled);
                    return Drain.STOPPED;
                }
                if (message.isExpunged()) {
                    continue;
                }
                sawMail = true;
                long uid = c.inbox.getUID(message);
                Flags flags = message.getFlags();
                if (flags.contains(QUARANTINED_KEYWORD)) {
                    c.move(message, c.quarantine, preferMove);
                    unreadable.remove(uid); // flagged, then its move failed: it was recorded then
                    continue;
                }
                if (unreadable.containsKey(uid)) {
                    if (!quarantineUnreadable(c, message, uid)) {
                        file(c, handled);
                        return Drain.BLOCKED;
                    }
                    continue;
                }
                if (message.getSize() > largest) {
                    if (!tooLarge(c, message, uid)) {
                        file(c, handled);
                        return Drain.BLOCKED;
                    }
                    continue;
                }
                if (index > prefetched.until()) {
                    // after a blocked cycle (the database away, say) only the message that blocked, until it goes
                    // through: a retry every backoff must not read a whole batch again for nothing
                    boolean alone = readOneByOne || backoffAttempts > 0 && !handedOver;
                    prefetched = prefetch(c, messages, index, uid, alone ? 1 : PREFETCH_COUNT);
                }
                byte[] raw;
                try {
                    raw = rawReader.read(message, prefetched.raw().remove(uid));
                } catch (MessageRemovedException gone) {
                    continue; // expunged by someone else meanwhile
                } catch (MessagingException | IOException e) {
                    boolean closed = e instanceof FolderClosedException || e instanceof StoreClosedException;
                    if (fetchFailed(c, uid, e) && !closed) {
                        if (quarantineUnreadable(c, message, uid)) {
                            continue;
                        }
                        file(c, handled);
                        return Drain.BLOCKED;
                    }
                    if (closed) {
                        // reconnect; what was handled is a duplicate next time, and a message due for quarantine is
                        // moved then, before it is read again
                        throw (MessagingException) e;
                    }
                    file(c, handled);
                    return Drain.BLOCKED;
                }
                fetchFailures.remove(uid);
                problems.resolved("fetch", "Messages can be read from the IMAP inbox again");

                InboundSink.Outcome outcome;
                try {
                    outcome = sink.accept(raw);
                    if (outcome == null) {
                        throw new IllegalStateException("the InboundSink answered null");
                    }
                } catch (Exception | StackOverflowError failure) {
                    failures.incrementAndGet();
                    if (failsForGood(uid, failure)) {
                        log.error("The IMAP message UID {} could not be handed over {} times in a row, and not for a "
                                + "reason of the moment ({}); moving it to {}", uid, MAX_SINK_FAILURES,
                                ProblemLog.describe(failure), c.quarantine.getFullName());
                        recordQuarantined(message, uid, headerOf(raw), "could not be handled " + MAX_SINK_FAILURES
                                + " times in a row (" + ProblemLog.describe(failure) + ")");
                        c.markAndMove(message, QUARANTINED_KEYWORD, c.quarantine, preferMove);
                        quarantined.incrementAndGet();
                        continue;
                    }
                    problems.report("sink", "An inbound message could not be handed over; it stays in the inbox "
                            + "and is retried", failure, true);
                    log.debug("IMAP message UID {} stays in the inbox", uid);
                    file(c, handled);
                    return Drain.BLOCKED;
                }
                handedOver = true;
                sinkFailures.remove(uid);
                problems.resolved("sink", "Inbound messages are handed over again");
                switch (outcome) {
                    case PROCESSED -> {
                        processed.incrementAndGet();
                        handled.add(message);
                    }
                    case DUPLICATE -> {
                        duplicates.incrementAndGet();
                        handled.add(message);
                    }
                    case QUARANTINE -> {
                        quarantined.incrementAndGet();
                        log.info("IMAP message UID {} refused by the sink: moved to {}", uid,
                                c.quarantine.getFullName());
                        c.markAndMove(message, QUARANTINED_KEYWORD, c.quarantine, preferMove);
                    }
                }
                if (handled.size() >= filingBatch) {
                    file(c, handled);
                }
            }
            file(c, handled);
            readOneByOne = false;
            return Drain.DONE;
        }

        /** A message that could not be read, due for quarantine unread. */
        private static final class Unreadable {
            final String why;
            /** Whether its header was asked for: if that lost the connection too, it is moved without one. */
            boolean headerAsked;
            boolean recorded;

            Unreadable(String why) {
                this.why = why;
            }
        }

        /**
         * Counts a failure to read a message; true when it failed {@value #MAX_FETCH_FAILURES} times in a row and is
         * now due for quarantine ({@link #quarantineUnreadable}).
         */
        private boolean fetchFailed(ImapConnection c, long uid, Exception e) {
            failures.incrementAndGet();
            int failed = fetchFailures.merge(uid, 1, Integer::sum);
            if (failed < MAX_FETCH_FAILURES) {
                problems.report("fetch", "Cannot read a message from the IMAP inbox; it is retried", e, false);
                log.debug("IMAP message UID {} failed to be read {} time(s)", uid, failed);
                return false;
            }
            log.error("The IMAP message UID {} could not be read {} times in a row ({}); moving it to {}",
                    uid, failed, ProblemLog.describe(e), c.quarantine.getFullName());
            fetchFailures.remove(uid);
            unreadable.put(uid, new Unreadable("could not be read from the mailbox " + failed + " times in a row ("
                    + ProblemLog.describe(e) + ")"));
            return true;
        }

        /**
         * Records a message due for quarantine by its header, once, and moves it there unread; false when the record
         * failed for a reason of the moment (the database away): the message stays in the inbox, due, so that it is
         * not in the quarantine folder without a record to find it by.
         */
        private boolean quarantineUnreadable(ImapConnection c, Message message, long uid) throws MessagingException {
            Unreadable due = unreadable.get(uid);
            if (!due.recorded) {
                byte[] header = new byte[0];
                if (!due.headerAsked) {
                    due.headerAsked = true;
                    header = header(c, message, uid);
                }
                if (!recordQuarantined(message, uid, header, due.why)) {
                    failures.incrementAndGet();
                    return false;
                }
                due.recorded = true;
            }
            c.markAndMove(message, QUARANTINED_KEYWORD, c.quarantine, preferMove);
            unreadable.remove(uid);
            quarantined.incrementAndGet();
            log.info("IMAP message UID {} moved to {} unread", uid, c.quarantine.getFullName());
            return true;
        }

        /**
         * Counts a failure of the sink to take a message; true when the message should go to quarantine: it failed
         * {@value #MAX_SINK_FAILURES} times in a row, none of them for a reason of the moment. Left in the inbox, such a
         * message would be offered for ever and keep every message behind it waiting (the sink that records its mail
         * quarantines such a mail itself; this is for when even that fails). A failure of the moment, the database away,
         * starts the count again, and none moves a message: the database may be behind the other failures too. For the
         * same reason the database has to answer the leadership check once more before a message is moved; every
         * cycle counted began with it answering.
         */
        private boolean failsForGood(long uid, Throwable failure) {
            if (sink.temporary(failure)) {
                sinkFailures.remove(uid);
                return false;
            }
            int failed = sinkFailures.merge(uid, 1, Integer::sum);
            log.debug("IMAP message UID {} failed to be handed over {} time(s), not for a reason of the moment", uid,
                    failed);
            if (failed < MAX_SINK_FAILURES || !lead()) {
                return false;
            }
            sinkFailures.remove(uid);
            return true;
        }

        /** What the sink takes at most; when it cannot tell (its settings unreadable), every message is read. */
        private long largestMessage() {
            try {
                return sink.largestMessage();
            } catch (RuntimeException e) {
                log.debug("The largest message to read is not known now; reading every message", e);
                return Long.MAX_VALUE;
            }
        }

        /**
         * A message larger than the sink takes: its header goes to the sink and the message, unread, to the quarantine
         * folder. It gets no keyword: moved back to the inbox once the sink takes it, it is read then. False when the
         * sink failed for now.
         */
        private boolean tooLarge(ImapConnection c, Message message, long uid) throws MessagingException {
            int size = message.getSize();
            byte[] header = header(c, message, uid);
            try {
                sink.tooLarge(header, size);
            } catch (RuntimeException temporary) {
                failures.incrementAndGet();
                problems.report("sink", "An inbound message could not be handed over; it stays in the inbox "
                        + "and is retried", temporary, true);
                return false;
            }
            problems.resolved("sink", "Inbound messages are handed over again");
            quarantined.incrementAndGet();
            log.warn("IMAP message UID {} of {} bytes is larger than the {} bytes taken (mailMaxBytes): moved to {} "
                    + "unread", uid, size, largest, c.quarantine.getFullName());
            c.move(message, c.quarantine, preferMove);
            return true;
        }

        /** The message's header as the server has it, at most {@link InboundSink#HEADER_BYTES}; none when unreadable. */
        private byte[] header(ImapConnection c, Message message, long uid) throws MessagingException {
            try {
                return c.header(message, InboundSink.HEADER_BYTES);
            } catch (FolderClosedException | StoreClosedException closed) {
                throw closed;
            } catch (MessagingException e) {
                log.debug("The header of IMAP message UID {} could not be read", uid, e);
                return new byte[0];
            }
        }

        /**
         * Has the sink record a message going to quarantine for failures of its own, so that an operator finds it with
         * the others; false when that failed for a reason of the moment ({@link InboundSink#temporary}: the database
         * away). A message moved all the same has the log's lines only.
         */
        private boolean recordQuarantined(Message message, long uid, byte[] header, String why) {
            try {
                sink.quarantined(header, message.getSize(), why);
                return true;
            } catch (RuntimeException | MessagingException | StackOverflowError e) {
                log.warn("The quarantined IMAP message UID {} could not be recorded: {}", uid, ProblemLog.describe(e));
                return !(e instanceof RuntimeException failure && sink.temporary(failure));
            }
        }

        /**
         * Reads the bytes of up to {@code most} messages to hand over from {@code from} on with one round trip (see
         * {@link #PREFETCH_COUNT}). When that fails, nothing is read ahead: each message is then read on its own,
         * and its failures are counted as usual. When it loses the connection, the drains read one message at a time
         * until the inbox is read to its end ({@link #readOneByOne}); such a read of one message counts as its failure.
         */
        private Prefetched prefetch(ImapConnection c, Message[] messages, int from, long uidOfFirst, int most)
                throws MessagingException {
            List<Message> next = new ArrayList<>();
            long bytes = 0;
            int until = from;
            for (int i = from; i < messages.length && next.size() < most; i++) {
                Message message = messages[i];
                if (message.isExpunged()) {
                    continue;
                }
                Flags flags = message.getFlags();
                if (flags.contains(QUARANTINED_KEYWORD)
                        || !unreadable.isEmpty() && unreadable.containsKey(c.inbox.getUID(message))) {
                    continue; // filed without reading
                }
                int size = message.getSize();
                if (size > largest) {
                    continue; // not read at all
                }
                if (size < 0) { // the server does not say: as if it filled the batch
                    size = (int) PREFETCH_BYTES;
                }
                if (!next.isEmpty() && bytes + size > PREFETCH_BYTES) {
                    break;
                }
                next.add(message);
                bytes += size;
                until = i;
            }
            readAheadObserver.accept(next.size());
            try {
                return new Prefetched(batchReader.read(c, next), until);
            } catch (FolderClosedException | StoreClosedException closed) {
                if (next.size() == 1 && next.get(0) == messages[from]) {
                    fetchFailed(c, uidOfFirst, closed);
                }
                readOneByOne = true;
                throw closed; // reconnect
            } catch (MessagingException | RuntimeException e) {
                log.debug("Reading {} IMAP messages at once failed; reading them one by one", next.size(), e);
                return new Prefetched(new HashMap<>(), until);
            }
        }

        /** Flags the handled messages as processed and moves them to the processed folder, all at once. */
        private void file(ImapConnection c, List<Message> handled) throws MessagingException {
            if (!handled.isEmpty()) {
                c.markAndMove(handled.toArray(Message[]::new), PROCESSED_KEYWORD, c.processed, preferMove);
                handled.clear();
            }
        }

        /**
         * Waits for new mail: IMAP IDLE when the server has it (left on new mail, {@link #wake()},
         * {@link #stop()} or after {@code syncInterval}), else a sleep of {@code syncInterval}.
         */
        private void awaitNewMail(Duration syncInterval) throws MessagingException {
            ImapConnection c = connection;
            if (!c.idleSupported) {
                sleeper.sleep(syncInterval);
                return;
            }
            IMAPFolder inbox = c.inbox;
            Duration longest = syncInterval.compareTo(MAX_IDLE) < 0 ? syncInterval : MAX_IDLE;
            ScheduledFuture<?> watchdog = null;
            idlingFolder = inbox; // then check the flags: see requestIdleAbort
            try {
                if (stopping || abortRequested) {
                    return;
                }
                watchdog = scheduler.schedule(this::requestIdleAbort, longest.toMillis(), TimeUnit.MILLISECONDS);
                idling = true;
                inbox.idle(true); // returns on the first unsolicited response, or when aborted
            } catch (RejectedExecutionException stopped) {
                // shutting down
            } finally {
                idling = false;
                idlingFolder = null;
                if (watchdog != null) {
                    watchdog.cancel(false);
                }
            }
        }

        /** Makes the poller leave IDLE (or not enter it) and run a cycle. Any thread. */
        private void requestIdleAbort() {
            abortRequested = true;
            if (idlingFolder != null) {
                try {
                    scheduler.execute(this::abortIdle);
                } catch (RejectedExecutionException ignored) {
                    // shutting down
                }
            }
        }

        /**
         * Ends the IDLE of the poller thread (on a helper thread): any command on the folder makes
         * Angus send DONE and wait for the IDLE to end. Repeated while the poller is still about to
         * idle, so a request that comes just before IDLE starts is not lost.
         */
        private void abortIdle() {
            IMAPFolder folder = idlingFolder;
            while (folder != null && folder == idlingFolder && (abortRequested || stopping)) {
                try {
                    folder.doCommand(protocol -> null); // waits for the IDLE to end, sends nothing more
                } catch (MessagingException | RuntimeException e) {
                    log.debug("Aborting IMAP IDLE failed", e);
                    return;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void disconnect(boolean polite) {
            ImapConnection c = connection;
            connection = null;
            connected = false;
            if (c != null) {
                if (polite) {
                    c.close();
                } else {
                    c.abandon();
                }
            }
        }

        private Duration backoff(Duration syncInterval) {
            int attempt = Math.min(backoffAttempts++, 20);
            Duration delay = FIRST_BACKOFF.multipliedBy(1L << attempt);
            return delay.compareTo(syncInterval) < 0 ? delay : syncInterval;
        }

        private Duration currentSyncInterval() {
            return lastSyncInterval;
        }
    }

    /** A sleep that {@link #wake()} ends early; a wake before the sleep makes the next sleep return at once. */
    private static final class Sleeper {
        private boolean woken;

        synchronized void sleep(Duration duration) {
            long deadline = System.nanoTime() + duration.toNanos();
            try {
                while (!woken) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            } catch (InterruptedException e) {
                // only stop() interrupts, after setting the stop flag
            } finally {
                woken = false;
            }
        }

        synchronized void wake() {
            woken = true;
            notifyAll();
        }
    }

    /** The header of a raw message: up to and with the blank line after it, at most {@link InboundSink#HEADER_BYTES}. */
    static byte[] headerOf(byte[] raw) {
        int end = raw.length;
        for (int i = 0; i + 1 < raw.length && i < InboundSink.HEADER_BYTES; i++) {
            if (raw[i] == '\n' && (raw[i + 1] == '\n' || raw[i + 1] == '\r' && i + 2 < raw.length && raw[i + 2] == '\n')) {
                end = raw[i + 1] == '\n' ? i + 2 : i + 3;
                break;
            }
        }
        return Arrays.copyOf(raw, Math.min(end, InboundSink.HEADER_BYTES));
    }
}
