package dev.casey.server.operations;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.SubscribingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * How far Axon's event processors are behind the event store. Subscribing processors (the read
 * models) handle each event in the transaction that stores it, so they cannot lag; streaming
 * (tracking or pooled) processors follow the store on their own threads, and their lag is the head
 * of the store minus the oldest position among the segments this instance holds.
 */
class EventProcessorLag implements HealthIndicator {

    private final Supplier<EventProcessingConfiguration> processing;
    private final Supplier<TrackingToken> head;

    /**
     * @param head the newest event's token ({@code EventStore#createHeadToken}), null when the store is empty
     */
    EventProcessorLag(Supplier<EventProcessingConfiguration> processing, Supplier<TrackingToken> head) {
        this.processing = processing;
        this.head = head;
    }

    Map<String, EventProcessor> processors() {
        return processing.get().eventProcessors();
    }

    /** Events the processor still has to handle; empty for a subscribing processor. */
    OptionalLong lag(EventProcessor processor) {
        if (!(processor instanceof StreamingEventProcessor streaming)) {
            return OptionalLong.empty();
        }
        long newest = headPosition();
        long oldest = Long.MAX_VALUE;
        for (EventTrackerStatus status : streaming.processingStatus().values()) {
            // a segment with no token yet has handled nothing: all of the store is ahead of it
            oldest = Math.min(oldest, status.getCurrentPosition().orElse(0));
        }
        if (oldest == Long.MAX_VALUE) {
            return OptionalLong.empty(); // no segment claimed here: another instance does the work
        }
        return OptionalLong.of(Math.max(0, newest - oldest));
    }

    private long headPosition() {
        TrackingToken token = head.get();
        return token == null ? 0 : token.position().orElse(0);
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up();
        boolean failing = false;
        for (Map.Entry<String, EventProcessor> entry : processors().entrySet()) {
            EventProcessor processor = entry.getValue();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("running", processor.isRunning());
            if (processor instanceof StreamingEventProcessor streaming) {
                details.put("type", processor instanceof PooledStreamingEventProcessor ? "pooled"
                        : processor instanceof TrackingEventProcessor ? "tracking" : "streaming");
                details.put("segmentsClaimed", streaming.processingStatus().size());
                OptionalLong lag = lag(processor);
                details.put("lag", lag.isPresent() ? lag.getAsLong() : "no segment claimed by this instance");
                boolean error = processor.isError()
                        || streaming.processingStatus().values().stream().anyMatch(EventTrackerStatus::isErrorState);
                if (error) {
                    details.put("error", true);
                    failing = true;
                }
            } else {
                details.put("type", processor instanceof SubscribingEventProcessor ? "subscribing"
                        : processor.getClass().getSimpleName());
                details.put("lag", "none: handled in the transaction that stores the event");
            }
            health.withDetail(entry.getKey(), details);
        }
        return failing ? health.down().build() : health.build();
    }
}
