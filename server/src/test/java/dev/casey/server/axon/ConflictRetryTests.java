package dev.casey.server.axon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;

class ConflictRetryTests {

    @Test
    void givenARetryStillRunning_whenAnotherCommandLosesARace_thenItIsRunAgainWithoutWaitingForIt() throws Exception {
        try (ConflictRetry retry = new ConflictRetry()) {
            CountDownLatch bothRunning = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            Runnable slowDispatch = () -> {
                bothRunning.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            for (int i = 0; i < 2; i++) {
                assertThat(retry.scheduleRetry(GenericCommandMessage.asCommandMessage("post " + i),
                        new ConcurrencyException("appended first"), failures(1), slowDispatch)).isTrue();
            }
            try {
                assertThat(bothRunning.await(5, TimeUnit.SECONDS)).as("both retries run at once").isTrue();
            } finally {
                release.countDown();
            }
        }
    }

    @Test
    void givenEveryRetrySpent_whenTheCommandLosesAgain_thenItIsNotRunAgain() {
        try (ConflictRetry retry = new ConflictRetry()) {
            assertThat(retry.scheduleRetry(GenericCommandMessage.asCommandMessage("post"),
                    new ConcurrencyException("appended first"), failures(ConflictRetry.MAX_RETRIES + 1), () -> { }))
                    .isFalse();
            assertThat(retry.scheduleRetry(GenericCommandMessage.asCommandMessage("post"),
                    new IllegalStateException("no race"), failures(1), () -> { })).isFalse();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Class<? extends Throwable>[]> failures(int count) {
        List<Class<? extends Throwable>[]> failures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            failures.add(new Class[] {ConcurrencyException.class});
        }
        return failures;
    }
}
