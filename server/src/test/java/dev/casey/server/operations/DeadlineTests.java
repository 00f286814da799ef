package dev.casey.server.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeadlineTests {

    @Test
    void givenAReadThatHangs_whenAskedTwice_thenEachAnswerComesByTheDeadlineAndOneReadIsStarted() throws Exception {
        CountDownLatch databaseBack = new CountDownLatch(1);
        AtomicInteger reads = new AtomicInteger();
        Deadline<String> backlog = new Deadline<>("test", () -> {
            reads.incrementAndGet();
            try {
                databaseBack.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "read";
        }, Duration.ofMillis(200));

        for (int i = 0; i < 2; i++) {
            long started = System.nanoTime();
            assertThatThrownBy(backlog::get).isInstanceOf(Deadline.Exceeded.class).hasMessageContaining("200 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
        assertThat(reads.get()).as("the second waited for the read in flight").isEqualTo(1);

        databaseBack.countDown();
        assertThat(backlog.get()).isEqualTo("read");
    }

    @Test
    void aFailedReadIsThrownAsItWas() {
        Deadline<String> failing = new Deadline<>("test", () -> {
            throw new IllegalStateException("Connection refused");
        }, Duration.ofSeconds(1));
        assertThatThrownBy(failing::get).isInstanceOf(IllegalStateException.class).hasMessage("Connection refused");
    }
}
