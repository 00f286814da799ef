package dev.casey.command.supportcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * Cases kept in memory are used only while no event was appended to them elsewhere, and the least recently used
 * go first, when there are too many or they take too much memory. An aggregate of its own keeps the test about the cache, not about the rules of a case.
 */
class CaseCacheTests {

    record Open(@TargetAggregateIdentifier String id) {
    }

    record Close(@TargetAggregateIdentifier String id) {
    }

    record Reopen(@TargetAggregateIdentifier String id) {
    }

    record Grow(@TargetAggregateIdentifier String id, long bytes) {
    }

    record Opened(String id) {
    }

    record Closed(String id) {
    }

    record Reopened(String id) {
    }

    record Grown(String id, long bytes) {
    }

    /** Counts how often it is rebuilt from its events. */
    static final AtomicInteger REPLAYS = new AtomicInteger();

    static class Door implements CachedFootprint {
        @AggregateIdentifier
        private String id;
        private boolean open;
        private long bytes = 400;

        Door() {
        }

        @CommandHandler
        Door(Open command) {
            apply(new Opened(command.id()));
        }

        @CommandHandler
        void handle(Close command) {
            if (!open) {
                throw new IllegalStateException("closed already");
            }
            apply(new Closed(id));
        }

        @CommandHandler
        void handle(Reopen command) {
            if (open) {
                throw new IllegalStateException("open already");
            }
            apply(new Reopened(id));
        }

        @CommandHandler
        void handle(Grow command) {
            apply(new Grown(id, command.bytes()));
        }

        @Override
        public long estimatedBytes() {
            return bytes;
        }

        @EventSourcingHandler
        void on(Grown event) {
            bytes = event.bytes();
        }

        @EventSourcingHandler
        void on(Opened event) {
            id = event.id();
            open = true;
            REPLAYS.incrementAndGet();
        }

        @EventSourcingHandler
        void on(Closed event) {
            open = false;
        }

        @EventSourcingHandler
        void on(Reopened event) {
            open = true;
        }
    }

    private Configuration axon;
    private CaseCache cache;

    private CommandGateway start(int size) {
        return start(size, DataSize.ofMegabytes(64));
    }

    private CommandGateway start(int size, DataSize memory) {
        axon = DefaultConfigurer.defaultConfiguration()
                .configureEmbeddedEventStore(c -> new InMemoryEventStorageEngine())
                .configureAggregate(AggregateConfigurer.defaultConfiguration(Door.class)
                        .configureCache(c -> cache = new CaseCache(c.eventStore(), size, memory)))
                .buildConfiguration();
        axon.start();
        REPLAYS.set(0);
        return axon.commandGateway();
    }

    @AfterEach
    void stop() {
        if (axon != null) {
            axon.shutdown();
        }
    }

    @Test
    void givenACachedCase_whenNothingElseWroteToIt_thenItIsNotReplayed() {
        CommandGateway commands = start(10);
        commands.sendAndWait(new Open("d1"));
        commands.sendAndWait(new Close("d1"));
        commands.sendAndWait(new Reopen("d1"));

        assertThat(REPLAYS).as("built by its opening, never replayed").hasValue(1);
        assertThat(cache.containsKey("d1")).isTrue();
    }

    @Test
    void givenACachedCase_whenAnEventWasAppendedElsewhere_thenItIsLoadedFromTheStore() {
        CommandGateway commands = start(10);
        commands.sendAndWait(new Open("d1"));
        // another instance closes it: the cached door still thinks it open
        axon.eventStore().publish(new GenericDomainEventMessage<>("Door", "d1", 1, new Closed("d1")));

        commands.sendAndWait(new Reopen("d1"));

        assertThat(REPLAYS).as("replayed once the cached state was behind").hasValue(2);
        assertThatThrownBy(() -> commands.sendAndWait(new Reopen("d1"))).hasMessageContaining("open already");
    }

    @Test
    void givenARefusedCommand_whenTheCaseIsUsedAgain_thenItIsLoadedFromTheStore() {
        CommandGateway commands = start(10);
        commands.sendAndWait(new Open("d1"));

        assertThatThrownBy(() -> commands.sendAndWait(new Reopen("d1"))).hasMessageContaining("open already");
        assertThat(cache.containsKey("d1")).as("a rolled back command leaves nothing in the cache").isFalse();
        commands.sendAndWait(new Close("d1"));
        assertThat(REPLAYS).hasValue(2);
    }

    @Test
    void givenAFullCache_whenAnotherCaseIsWorkedOn_thenTheLeastRecentlyUsedGoes() {
        CommandGateway commands = start(2);
        commands.sendAndWait(new Open("d1"));
        commands.sendAndWait(new Open("d2"));
        commands.sendAndWait(new Close("d1"));
        commands.sendAndWait(new Open("d3"));

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.containsKey("d2")).as("least recently used").isFalse();
        assertThat(cache.containsKey("d1")).isTrue();
        assertThat(cache.containsKey("d3")).isTrue();
        commands.sendAndWait(new Close("d2"));
        assertThat(REPLAYS).as("d2 replayed once evicted").hasValue(4);
    }

    @Test
    void givenCasesTakingMoreMemoryThanAllowed_thenTheLeastRecentlyUsedGo_andOneTooLargeIsNotKept() {
        CommandGateway commands = start(10, DataSize.ofBytes(1_000));
        commands.sendAndWait(new Open("d1"));
        commands.sendAndWait(new Open("d2"));
        commands.sendAndWait(new Grow("d1", 500));
        assertThat(cache.bytesHeld()).isEqualTo(900);

        commands.sendAndWait(new Open("d3"));
        assertThat(cache.containsKey("d2")).as("least recently used, 1,300 bytes held").isFalse();
        assertThat(cache.containsKey("d1")).isTrue();
        assertThat(cache.bytesHeld()).isEqualTo(900);

        commands.sendAndWait(new Grow("d3", 2_000));
        assertThat(cache.size()).as("d1 goes first, then d3, larger than the whole budget").isZero();
        assertThat(cache.bytesHeld()).isZero();
        commands.sendAndWait(new Close("d3"));
        assertThat(REPLAYS).as("d3 replayed, its growth with it").hasValue(4);
        assertThat(cache.containsKey("d3")).isFalse();
    }

    @Test
    void givenSizeZero_thenNothingIsKept() {
        CommandGateway commands = start(0);
        commands.sendAndWait(new Open("d1"));
        commands.sendAndWait(new Close("d1"));

        assertThat(cache.size()).isZero();
        assertThat(REPLAYS).hasValue(2);
    }
}
