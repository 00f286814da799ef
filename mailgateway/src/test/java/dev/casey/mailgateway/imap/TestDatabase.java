package dev.casey.mailgateway.imap;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** One real embedded PostgreSQL for all tests of the JVM; every "instance" gets its own pool. */
final class TestDatabase {

    private static EmbeddedPostgres postgres;

    private TestDatabase() {
    }

    static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM ends anyway
                }
            }));
        }
        return postgres;
    }

    /** A connection pool like the one of a Casey instance. */
    static HikariDataSource newPool(String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres().getJdbcUrl("postgres", "postgres"));
        config.setPoolName(name);
        config.setMaximumPoolSize(3);
        config.setConnectionTimeout(5_000);
        return new HikariDataSource(config);
    }

    /** The backend pid of the session holding the poller leadership lock, if any. */
    static Optional<Integer> leaderSession() throws SQLException {
        try (Connection c = postgres().getPostgresDatabase().getConnection();
             PreparedStatement holder = c.prepareStatement("SELECT pid FROM pg_locks WHERE locktype = 'advisory'"
                     + " AND granted AND classid::bigint = ? AND objid::bigint = ? AND objsubid = 1")) {
            holder.setLong(1, MailboxPoller.LEADER_LOCK_KEY >>> 32);
            holder.setLong(2, MailboxPoller.LEADER_LOCK_KEY & 0xFFFF_FFFFL);
            try (ResultSet rs = holder.executeQuery()) {
                return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
            }
        }
    }

    /** Ends a database session as a crash or restart would. */
    static void terminate(int pid) throws SQLException {
        try (Connection c = postgres().getPostgresDatabase().getConnection();
             PreparedStatement kill = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            kill.setInt(1, pid);
            kill.executeQuery().close();
        }
    }

    /** Whether a new session can take the poller leadership lock now (it gives it back at once). */
    static boolean leadershipFree() throws SQLException {
        try (Connection c = postgres().getPostgresDatabase().getConnection();
             PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            lock.setLong(1, MailboxPoller.LEADER_LOCK_KEY);
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                return rs.getBoolean(1); // the session ends with the connection: released
            }
        }
    }
}
