package dev.casey.server.http;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a failure caused by the database being out of reach (down, restarting, network gone) from
 * any other: the request changed nothing and may simply be tried again.
 */
final class DatabaseOutage {

    private DatabaseOutage() {
    }

    static boolean causedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransactionSystemException tx) {
                // commit or rollback failed on the wire: the connection broke under the transaction
                if (tx.getApplicationException() != null && causedBy(tx.getApplicationException())) {
                    return true;
                }
                if (tx.getCause() instanceof SQLException) {
                    return true;
                }
            }
            if (t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException
                    || t instanceof CannotCreateTransactionException || t instanceof DataAccessResourceFailureException
                    || t instanceof ConnectException) {
                return true;
            }
            // connection exceptions (08…) and server shutdown (57P01…) as PostgreSQL reports them
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
            // the pool's own word for a connection the server dropped under a transaction
            if (t instanceof SQLException sql && sql.getSQLState() == null && HIKARI_CLOSED.equals(sql.getMessage())) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (causedBy(suppressed)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static final String HIKARI_CLOSED = "Connection is closed";
}
