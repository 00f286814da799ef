package dev.casey.api.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
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

    @Test
    void workThatLosesRacesIsRunAgainUntilItWinsOrTheAttemptsAreSpent() {
        AtomicInteger runs = new AtomicInteger();
        assertThat(LostRaces.retried(4, () -> {
            if (runs.incrementAndGet() < 3) {
                throw new IllegalStateException(new SQLException("deadlock detected", "40P01"));
            }
            return "won";
        })).isEqualTo("won");
        assertThat(runs).hasValue(3);

        runs.set(0);
        assertThatThrownBy(() -> LostRaces.retried(4, () -> {
            runs.incrementAndGet();
            throw new ConcurrencyException("always second");
        })).isInstanceOf(ConcurrencyException.class);
        assertThat(runs).as("four attempts in all").hasValue(4);

        runs.set(0);
        assertThatThrownBy(() -> LostRaces.retried(4, () -> {
            runs.incrementAndGet();
            throw new IllegalArgumentException("refused");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(runs).as("other failures are final").hasValue(1);
    }
}
