package dev.casey.query;

import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.common.KeptFromEvents;
import dev.casey.api.supportcase.CaseOpenedEvent;
import dev.casey.api.supportcase.CaseView;
import dev.casey.query.person.PersonViewFolding;
import dev.casey.query.supportcase.CaseViewFolding;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Builds the read models anew from the event store: after a change to how they are folded, or to repair them.
 *
 * <p>The service goes on taking commands meanwhile. Cases are rebuilt {@value #CASES_PER_TRANSACTION} at a time,
 * each group in a transaction of its own that locks only the views of its cases: a command on one of them waits for
 * that group (a fraction of a second), and a command that read a view the group then replaced folds its events onto
 * the new one. Readers see every case either as it was or rebuilt, never half of it. A rebuild that fails part way has
 * rebuilt the groups before the failure and can simply be run again. The persons, few, are rebuilt in one
 * transaction that keeps person commands waiting. One rebuild runs at a time among all instances on the database;
 * any of them tells how far it got ({@link #status}). Then what other modules keep from the same events
 * ({@link KeptFromEvents}: the mail gateway's directory) is compared with the events and put right.
 */
@Component
public class ReadModelRebuild {

    /** Cases per transaction: commands on them wait for it; more per transaction cost fewer commits. */
    public static final int CASES_PER_TRANSACTION = 100;
    private static final int LOG_EVERY = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(ReadModelRebuild.class);
    /** The PostgreSQL advisory lock held by the session of a running rebuild ("CaseyRBL"). */
    public static final long RUNNING_LOCK_KEY = 0x4361_7365_7952_424CL;

    /** What a rebuild did and how long it took; repaired: the rows put right in each {@link KeptFromEvents}. */
    public record Result(long events, long cases, long persons, Map<String, Long> repaired, Duration took) {
    }

    /**
     * Whether a rebuild runs on any instance, and the last one's progress or outcome: state is {@code never},
     * {@code running}, {@code finished}, {@code failed} or {@code interrupted} (its instance stopped in the middle);
     * phase what it is (or was last) at: {@code caseViews}, {@code personViews}, or the name of a
     * {@link KeptFromEvents} ({@code mailDirectory}); casesDone the cases rebuilt, or in a {@link KeptFromEvents}
     * phase the cases it has compared.
     */
    public record Status(String state, String phase, Instant startedAt, Instant finishedAt, long cases, long casesDone,
                         long events, String failure) {
    }

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final EventStore events;
    private final TransactionTemplate transactions;
    private final CaseViewFolding cases;
    private final PersonViewFolding persons;
    private final ObjectProvider<KeptFromEvents> keptElsewhere;

    ReadModelRebuild(DataSource dataSource, JdbcTemplate jdbc, EventStore events, TransactionTemplate transactions,
                     CaseViewFolding cases, PersonViewFolding persons, ObjectProvider<KeptFromEvents> keptElsewhere) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.events = events;
        this.transactions = transactions;
        this.cases = cases;
        this.persons = persons;
        this.keptElsewhere = keptElsewhere;
    }

    public Result rebuild() {
        return rebuild(CASES_PER_TRANSACTION, locked -> { });
    }

    /**
     * A rebuild with casesPerTransaction cases in each transaction; whileLocked sees each group's cases once their
     * views are locked, before their events are read (tests use it to write to a case at that moment).
     */
    public Result rebuild(int casesPerTransaction, Consumer<List<UUID>> whileLocked) {
        if (casesPerTransaction < 1) {
            throw new IllegalArgumentException("at least one case per transaction, not " + casesPerTransaction);
        }
        return runHolding(lock(), () -> {
            begin();
            return rebuildNow(casesPerTransaction, whileLocked);
        });
    }

    /**
     * Starts a rebuild on a thread of its own and returns once it holds the lock and its status says so (refused
     * with REBUILD_RUNNING while another runs): for callers that cannot wait minutes. {@link #status} follows it.
     */
    public void start() {
        Connection session = lock();
        try {
            begin();
        } catch (RuntimeException e) {
            // nothing ran: the lock goes back, the last rebuild's status stays as it was
            release(session);
            try {
                session.close();
            } catch (SQLException | RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        Thread worker = new Thread(() -> {
            try {
                Result result = runHolding(session, () -> rebuildNow(CASES_PER_TRANSACTION, locked -> { }));
                LOG.info("Read models rebuilt, as asked to run on: {} events, {} cases, {} persons, repaired {}, {} ms",
                        result.events(), result.cases(), result.persons(), result.repaired(), result.took().toMillis());
            } catch (RuntimeException | Error e) {
                LOG.error("The rebuild of the read models failed", e);
            }
        }, "read-model-rebuild");
        // a rebuild cut short by the end of the process is "interrupted" and can be run again
        worker.setDaemon(true);
        worker.start();
    }

    /** A session lock on a connection of its own (released with the session when this instance dies). */
    private Connection lock() {
        Connection session = null;
        try {
            session = dataSource.getConnection();
            if (!advisoryLock(session, "pg_try_advisory_lock")) {
                session.close();
                throw new CaseyRefusal(ErrorCode.REBUILD_RUNNING,
                        "a rebuild of the read models is running already, on this or another instance");
            }
            return session;
        } catch (SQLException e) {
            if (session != null) {
                release(session);
            }
            throw new IllegalStateException("the rebuild could not take its lock", e);
        }
    }

    /** Runs the rebuild holding the lock of this session; records its failure, gives the lock back whatever happens. */
    private Result runHolding(Connection session, Supplier<Result> rebuild) {
        try (session) {
            try {
                return rebuild.get();
            } catch (RuntimeException e) {
                recordFailure(e);
                throw e;
            } finally {
                release(session);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the rebuild could not give back its lock", e);
        }
    }

    /** How the rebuild runs or last ran, as every instance on the database sees it. */
    public Status status() {
        Boolean running = jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
                                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                                AND classid::bigint = ? AND objid::bigint = ? AND objsubid = 1)""", Boolean.class,
                RUNNING_LOCK_KEY >>> 32, RUNNING_LOCK_KEY & 0xFFFF_FFFFL);
        return jdbc.query("""
                SELECT started_at, finished_at, cases, cases_done, events, failure, phase FROM read_model_rebuild""",
                (rs, row) -> {
                    Timestamp finished = rs.getTimestamp(2);
                    String failure = rs.getString(6);
                    String state = Boolean.TRUE.equals(running) ? "running" : finished == null ? "interrupted"
                            : failure != null ? "failed" : "finished";
                    return new Status(state, rs.getString(7), rs.getTimestamp(1).toInstant(),
                            finished == null ? null : finished.toInstant(), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            failure);
                }).stream().findFirst()
                .orElse(new Status(Boolean.TRUE.equals(running) ? "running" : "never", null, null, null, 0, 0, 0, null));
    }

    private void recordFailure(RuntimeException failure) {
        try {
            jdbc.update("UPDATE read_model_rebuild SET finished_at = now(), failure = ? WHERE id = 1",
                    String.valueOf(failure.getMessage()));
        } catch (RuntimeException unrecorded) {
            failure.addSuppressed(unrecorded); // the database is gone, most likely: the status will say "interrupted"
        }
    }

    /**
     * Gives the lock back before the connection returns to the pool, whatever ended the rebuild (an Error too); a
     * connection that cannot give it back is closed for good, so that the lock goes with its session.
     */
    private static void release(Connection session) {
        try {
            advisoryLock(session, "pg_advisory_unlock");
        } catch (SQLException | RuntimeException e) {
            LOG.warn("The rebuild could not give back its lock; its connection is closed for good", e);
            try {
                session.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // the session is gone already, and its lock with it
            }
        }
    }

    private static boolean advisoryLock(Connection session, String function) throws SQLException {
        try (PreparedStatement lock = session.prepareStatement("SELECT " + function + "(?)")) {
            lock.setLong(1, RUNNING_LOCK_KEY);
            try (ResultSet rs = lock.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The status row of a rebuild that starts now. */
    private void begin() {
        jdbc.update("""
                INSERT INTO read_model_rebuild (id, started_at, finished_at, cases, cases_done, events, failure, phase)
                VALUES (1, now(), NULL, 0, 0, 0, NULL, 'caseViews')
                ON CONFLICT (id) DO UPDATE SET started_at = now(), finished_at = NULL, cases = 0, cases_done = 0,
                    events = 0, failure = NULL, phase = 'caseViews'""");
    }

    private void phase(String phase) {
        jdbc.update("UPDATE read_model_rebuild SET phase = ? WHERE id = 1", phase);
    }

    private Result rebuildNow(int casesPerTransaction, Consumer<List<UUID>> whileLocked) {
        long started = System.nanoTime();
        // views of cases without any event (put there by hand, say): nobody writes to those, and one may hold the
        // reference of a case rebuilt below
        jdbc.update("""
                DELETE FROM case_view c WHERE NOT EXISTS (SELECT 1 FROM domainevententry e
                 WHERE e.aggregateidentifier = c.case_id::text AND e.sequencenumber = 0)""");
        List<UUID> caseIds = aggregates("SupportCase").stream().map(UUID::fromString).sorted().toList();
        jdbc.update("UPDATE read_model_rebuild SET cases = ? WHERE id = 1", caseIds.size());
        long eventCount = 0;
        for (int from = 0; from < caseIds.size(); from += casesPerTransaction) {
            List<UUID> group = caseIds.subList(from, Math.min(from + casesPerTransaction, caseIds.size()));
            Long read = transactions.execute(tx -> {
                long groupEvents = rebuildCases(group, whileLocked);
                jdbc.update("UPDATE read_model_rebuild SET cases_done = cases_done + ?, events = events + ? WHERE id = 1",
                        group.size(), groupEvents);
                return groupEvents;
            });
            eventCount += read == null ? 0 : read;
            if ((from + group.size()) / LOG_EVERY > from / LOG_EVERY) {
                LOG.info("Read models: {} of {} cases rebuilt", from + group.size(), caseIds.size());
            }
        }
        transactions.executeWithoutResult(tx -> cases.recount());
        phase("personViews");
        List<String> personIds = new ArrayList<>();
        Long personEvents = transactions.execute(tx -> {
            jdbc.execute("LOCK TABLE person_view, person_view_address IN SHARE ROW EXCLUSIVE MODE");
            jdbc.update("DELETE FROM person_view");
            jdbc.update("DELETE FROM person_view_address");
            personIds.addAll(aggregates("Person"));
            long read = 0;
            for (String personId : personIds) {
                List<? extends DomainEventMessage<?>> stream = RecordedEvents.of(events, personId);
                read += stream.size();
                stream.forEach(persons::apply);
            }
            return read;
        });
        eventCount += personEvents == null ? 0 : personEvents;
        Map<String, Long> repaired = new LinkedHashMap<>();
        keptElsewhere.orderedStream().forEach(kept -> {
            // a repair of a large store takes tens of seconds: its own progress, not the views' finished count
            jdbc.update("UPDATE read_model_rebuild SET phase = ?, cases_done = 0 WHERE id = 1", kept.name());
            repaired.put(kept.name(), kept.repair(caseIds, compared -> jdbc.update(
                    "UPDATE read_model_rebuild SET cases_done = cases_done + ? WHERE id = 1", compared)));
        });
        jdbc.update("UPDATE read_model_rebuild SET finished_at = now(), events = ? WHERE id = 1", eventCount);
        return new Result(eventCount, caseIds.size(), personIds.size(), repaired,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** Rebuilds these cases' views in the current transaction; how many events that read. */
    private long rebuildCases(List<UUID> group, Consumer<List<UUID>> whileLocked) {
        cases.lock(group);
        whileLocked.accept(group);
        long read = 0;
        List<CaseView> views = new ArrayList<>(group.size());
        for (UUID caseId : group) {
            List<? extends DomainEventMessage<?>> stream = RecordedEvents.of(events, caseId.toString());
            read += stream.size();
            if (!stream.isEmpty() && stream.get(0).getPayload() instanceof CaseOpenedEvent) {
                views.add(cases.fold(stream));
            }
        }
        cases.replace(group, views);
        return read;
    }

    private List<String> aggregates(String type) {
        return jdbc.queryForList("SELECT DISTINCT aggregateidentifier FROM domainevententry WHERE type = ?", String.class,
                type);
    }
}
