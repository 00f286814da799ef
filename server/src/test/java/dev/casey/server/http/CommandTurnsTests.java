package dev.casey.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CommandTurnsTests {

    @Test
    void aCommandWaitsForItsTurnAndRunsOnceOneEnds() throws Exception {
        CommandTurns turns = new CommandTurns(1, Duration.ofSeconds(30));
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<String> first = takeTheOnlyTurn(turns, finish);
        AtomicBoolean secondRan = new AtomicBoolean();
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> turns.inTurn(() -> {
            secondRan.set(true);
            return "second";
        }));
        Thread.sleep(200);
        assertThat(secondRan).as("run while the only turn was taken").isFalse();

        finish.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("second");
    }

    @Test
    void aCommandWhoseTurnDoesNotComeInTimeIsNotSent() throws Exception {
        CommandTurns turns = new CommandTurns(1, Duration.ofMillis(100));
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<String> first = takeTheOnlyTurn(turns, finish);
        AtomicBoolean sent = new AtomicBoolean();
        assertThatThrownBy(() -> turns.inTurn(() -> sent.getAndSet(true)))
                .isInstanceOf(CommandTurns.NoTurn.class);
        assertThat(sent).isFalse();
        finish.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertThat(turns.inTurn(() -> "later")).isEqualTo("later");
    }

    @Test
    void aCommandThatFailsGivesItsTurnBack() {
        CommandTurns turns = new CommandTurns(1, Duration.ZERO);
        assertThatThrownBy(() -> turns.inTurn(() -> {
            throw new IllegalStateException("refused");
        })).hasMessage("refused");
        assertThat(turns.inTurn(() -> "next")).isEqualTo("next");
    }

    @Test
    void byDefaultTwiceTheProcessorsRunAtOnce() {
        assertThat(new CommandTurns(0, Duration.ofSeconds(5)).concurrency())
                .isEqualTo(2 * Runtime.getRuntime().availableProcessors());
        assertThatThrownBy(() -> new CommandTurns(-1, Duration.ofSeconds(5)))
                .hasMessageContaining("casey.commands.concurrency");
        assertThatThrownBy(() -> new CommandTurns(4, Duration.ofSeconds(-1)))
                .hasMessageContaining("casey.commands.wait");
    }

    /** A command that has taken the turn and holds it until {@code finish}; "first" once it ends. */
    private static CompletableFuture<String> takeTheOnlyTurn(CommandTurns turns, CountDownLatch finish)
            throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> turns.inTurn(() -> {
            running.countDown();
            await(finish);
            return "first";
        }));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        return first;
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
