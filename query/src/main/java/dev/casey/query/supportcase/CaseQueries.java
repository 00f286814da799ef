package dev.casey.query.supportcase;

import dev.casey.api.supportcase.CaseHistory;
import dev.casey.api.supportcase.CaseHistoryEntry;
import dev.casey.api.supportcase.CaseOpenedEvent;
import dev.casey.api.supportcase.CasePage;
import dev.casey.api.supportcase.CaseView;
import dev.casey.api.supportcase.FetchCaseHistoryQuery;
import dev.casey.api.supportcase.FetchCaseQuery;
import dev.casey.api.supportcase.FindCasesQuery;
import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import dev.casey.query.Documents;
import dev.casey.query.RecordedEvents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.queryhandling.QueryHandler;
import org.axonframework.serialization.UnknownSerializedType;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

/** Answers the case queries: from the read model for the present, from the event store for the past. */
@Component
class CaseQueries {

    /** Payload fields that are never shown in a history: secrets, and what the entry carries anyway. */
    private static final Set<String> HIDDEN = Set.of("code", "caseId", "actor", "source");

    private final CaseViewRepository views;
    private final EventStore events;
    private final CaseViewFolding folding;

    CaseQueries(CaseViewRepository views, EventStore events, CaseViewFolding folding) {
        this.views = views;
        this.events = events;
        this.folding = folding;
    }

    @QueryHandler
    Optional<CaseView> handle(FetchCaseQuery query) {
        if (query.asOf() == null) {
            return views.find(query.caseId());
        }
        List<? extends DomainEventMessage<?>> stream = RecordedEvents.of(events, query.caseId().toString());
        if (stream.isEmpty() || !(stream.get(0).getPayload() instanceof CaseOpenedEvent)) {
            return Optional.empty(); // no case, or an aggregate of another kind under that id
        }
        List<? extends DomainEventMessage<?>> untilThen = stream.stream()
                .takeWhile(event -> !event.getTimestamp().isAfter(query.asOf())).toList();
        return untilThen.isEmpty() ? Optional.empty() : Optional.of(folding.fold(untilThen));
    }

    @QueryHandler
    CasePage handle(FindCasesQuery query) {
        long total = views.count(query);
        return new CasePage(views.find(query, total), query.page(), query.size(), total);
    }

    @QueryHandler
    Optional<CaseHistory> handle(FetchCaseHistoryQuery query) {
        List<CaseHistoryEntry> entries = new ArrayList<>();
        RecordedEvents.of(events, query.caseId().toString()).forEach(event -> entries.add(entry(event)));
        if (entries.isEmpty() || !"CaseOpenedEvent".equals(entries.get(0).type())) {
            return Optional.empty(); // no case, or an aggregate of another kind under that id
        }
        return Optional.of(new CaseHistory(query.caseId(), List.copyOf(entries)));
    }

    private static CaseHistoryEntry entry(DomainEventMessage<?> event) {
        if (event.getPayload() instanceof UnknownSerializedType unknown) {
            return unknown(event, unknown);
        }
        Map<String, Object> payload = Documents.MAPPER.convertValue(event.getPayload(), new TypeReference<>() {
        });
        return entry(event, event.getPayloadType().getSimpleName(), payload);
    }

    private static CaseHistoryEntry entry(DomainEventMessage<?> event, String type, Map<String, Object> payload) {
        Actor actor = Documents.MAPPER.convertValue(payload.get("actor"), Actor.class);
        Source source = Documents.MAPPER.convertValue(payload.get("source"), Source.class);
        Map<String, Object> shown = new LinkedHashMap<>(payload);
        shown.keySet().removeAll(HIDDEN);
        return new CaseHistoryEntry(event.getSequenceNumber(), type, event.getTimestamp(), actor, source, shown);
    }

    /**
     * An event of a type this version no longer has (one of a withdrawn version, such as the
     * ParticipantAddressChangedEvent of 2026-12-02 morning) is still something that happened to the case: it is shown
     * by its stored type and content, not as Axon's empty stand-in for it.
     */
    private static CaseHistoryEntry unknown(DomainEventMessage<?> event, UnknownSerializedType unknown) {
        String storedType = unknown.serializedType().getName();
        String type = storedType.substring(Math.max(storedType.lastIndexOf('.'), storedType.lastIndexOf('$')) + 1);
        byte[] stored = unknown.readData(byte[].class);
        try {
            return entry(event, type, Documents.MAPPER.readValue(stored,
                    new TypeReference<LinkedHashMap<String, Object>>() {
                    }));
        } catch (JacksonException | IllegalArgumentException notAnEventOfOurs) {
            // not a JSON object, or an actor or source of another shape: the content as stored, and no one named
            return new CaseHistoryEntry(event.getSequenceNumber(), type, event.getTimestamp(), null, null,
                    Map.of("stored", new String(stored, StandardCharsets.UTF_8)));
        }
    }
}
