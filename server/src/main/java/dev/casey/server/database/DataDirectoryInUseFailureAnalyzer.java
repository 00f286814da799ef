package dev.casey.server.database;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Ends a start on a data directory another caseyd uses with Spring Boot's "APPLICATION FAILED TO START" report. Without
 * it the start ended in some 270 lines of "Caused by" with the reason buried in the middle: what a
 * {@code journalctl} or {@code docker logs} tail shows is stack frames. First, like the configuration file's analyzer,
 * because Spring Boot's own analyzers describe the beans around it.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class DataDirectoryInUseFailureAnalyzer extends AbstractFailureAnalyzer<DataDirectoryLock.InUse> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DataDirectoryLock.InUse cause) {
        return new FailureAnalysis(cause.getMessage(), "Stop the other caseyd, or start this one with another data "
                + "directory (CASEY_DATA_DIR) or with a database of its own (CASEY_DB_URL).", cause);
    }
}
