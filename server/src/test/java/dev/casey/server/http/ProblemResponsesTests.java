package dev.casey.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

class ProblemResponsesTests {

    private final ProblemResponses responses = new ProblemResponses();

    @Test
    void theDriverRunningOutOfMemoryIsNoDatabaseOutage() {
        // what Spring makes of PgJDBC's "Ran out of memory retrieving query results" (SQLSTATE 53200)
        ResponseEntity<ProblemDetail> answer = responses.unexpected(new DataAccessResourceFailureException("query",
                new SQLException("Ran out of memory retrieving query results.", "53200", new OutOfMemoryError())));
        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getBody().getProperties()).containsEntry("code", "OUT_OF_MEMORY");
        assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("5");
    }

    @Test
    void aDatabaseOutOfReachIsOne() {
        ResponseEntity<ProblemDetail> answer = responses.unexpected(new DataAccessResourceFailureException("query",
                new SQLException("Connection refused", "08001")));
        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getBody().getProperties()).containsEntry("code", "DATABASE_UNAVAILABLE");
    }

    @Test
    void aRaceLostEveryTimeIsRetryableNotAnInternalError() {
        // what the command gateway throws once ConflictRetry gave up
        ResponseEntity<ProblemDetail> answer = responses.unexpected(new ConcurrencyException(
                "An event for aggregate [c] at sequence [12] was already inserted"));
        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getBody().getProperties()).containsEntry("code", "CASE_BUSY");
        assertThat(answer.getBody().getDetail()).contains("nothing was changed").contains("Idempotency-Key");
        assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("1");
    }

    @Test
    void aCommandWhoseTurnDidNotComeIsToldToComeAgain() {
        ResponseEntity<ProblemDetail> answer = responses.unexpected(new CommandTurns.NoTurn(6));
        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getBody().getProperties()).containsEntry("code", "SERVICE_BUSY");
        assertThat(answer.getBody().getDetail()).contains("nothing was changed");
        assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("1");
    }

    @Test
    void aDeadlockLostEveryTimeIsOneToo() {
        // an inbound mail's whole transaction, run again until LostRaces.retried gave up
        ResponseEntity<ProblemDetail> answer = responses.unexpected(new IllegalStateException("mail",
                new SQLException("deadlock detected", "40P01")));
        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getBody().getProperties()).containsEntry("code", "CASE_BUSY");
    }
}
