package dev.casey.mailgateway.imap;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A PostgreSQL session-level advisory lock held on a dedicated connection: whoever holds it is the
 * leader. When the holder dies its connection drops and PostgreSQL releases the lock. Used by one
 * thread only.
 *
 * <p>The connection may come from a pool: giving it back does not end the session, so the lock is
 * released explicitly ({@code pg_advisory_unlock}), and a connection whose lock cannot be released is
 * aborted rather than returned.
 */
final class LeaderLock {

    private static final int QUERY_TIMEOUT_SECONDS = 5;
    private static final String HELD = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
            + " AND pid = pg_backend_pid() AND granted AND classid::bigint = ? AND objid::bigint = ? AND objsubid = 1";

    private final DataSource dataSource;
    private final long key;
    private Connection connection;

    LeaderLock(DataSource dataSource, long key) {
        this.dataSource = dataSource;
        this.key = key;
    }

    boolean isHeld() {
        return connection != null;
    }

    /**
     * Checks that the lock is still held (the connection is alive and its session holds it), or tries
     * to take it.
     *
     * @return whether this instance is the leader now
     * @throws SQLException when the database cannot be asked: not the leader
     */
    boolean holdOrAcquire() throws SQLException {
        if (connection != null) {
            try {
                if (stillHeld(connection)) {
                    return true;
                }
            } catch (SQLException lost) {
                // connection broken (database restarted, network): try again on a new one below
            }
            discard();
        }
        Connection candidate = dataSource.getConnection();
        boolean acquired = false;
        try {
            if (!candidate.getAutoCommit()) {
                candidate.setAutoCommit(true); // never sit "idle in transaction" while leading
            }
            try (PreparedStatement lock = candidate.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                lock.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                lock.setLong(1, key);
                try (ResultSet rs = lock.executeQuery()) {
                    acquired = rs.next() && rs.getBoolean(1);
                }
            }
        } finally {
            if (!acquired) {
                closeQuietly(candidate);
            }
        }
        if (acquired) {
            connection = candidate;
        }
        return acquired;
    }

    /** Releases the lock (if held) and gives the connection back. */
    void release() {
        Connection held = connection;
        connection = null;
        if (held == null) {
            return;
        }
        boolean released = false;
        try (PreparedStatement unlock = held.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            unlock.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            unlock.setLong(1, key);
            // session locks stack: a pooled session may hold it more than once
            for (int i = 0; i < 16 && !released; i++) {
                try (ResultSet rs = unlock.executeQuery()) {
                    released = !(rs.next() && rs.getBoolean(1));
                }
            }
        } catch (SQLException e) {
            released = false;
        }
        if (!released) {
            abortQuietly(held); // a session that may still hold the lock must not go back to a pool
        }
        closeQuietly(held);
    }

    /** Drops a connection that no longer holds the lock (or cannot tell). */
    private void discard() {
        Connection broken = connection;
        connection = null;
        abortQuietly(broken);
        closeQuietly(broken);
    }

    private boolean stillHeld(Connection c) throws SQLException {
        try (PreparedStatement held = c.prepareStatement(HELD)) {
            held.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            held.setLong(1, key >>> 32);
            held.setLong(2, key & 0xFFFF_FFFFL);
            try (ResultSet rs = held.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        }
    }

    private static void abortQuietly(Connection c) {
        try {
            c.abort(Runnable::run);
        } catch (SQLException | RuntimeException ignored) {
            // closing follows anyway
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // nothing more to do
        }
    }
}
