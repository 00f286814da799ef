package dev.casey.api.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;

class LostRacesTests {

    @Test
    void aRaceLostToAnotherCommandOrToPostgresqlIsRunAgain() {
        assertThat(LostRaces.lostARace(new IllegalStateException("wrapped", new ConcurrencyException("appended first"))))
                .isTrue();
        assertThat(LostRaces.lostARace(new RuntimeException(new SQLException("could not serialize access", "40001"))))
                .isTrue();
        assertThat(LostRaces.lostARace(new RuntimeException(new SQLException("deadlock detected", "40P01")))).isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(LostRaces.lostARace(new RuntimeException(new SQLException("duplicate key", "23505")))).isFalse();
        assertThat(LostRaces.lostARace(new RuntimeException(new SQLException("connection refused", "08001")))).isFalse();
        assertThat(LostRaces.lostARace(new RuntimeException(new SQLException("Connection is closed")))).isFalse();
        assertThat(LostRaces.lostARace(new AggregateStreamCreationException("exists already"))).isFalse();
        assertThat(LostRaces.lostARace(new IllegalArgumentException("bad"))).isFalse();
    }
}
