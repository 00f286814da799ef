package dev.casey.bench.memory;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import dev.casey.api.supportcase.CaseOpenedEvent;
import dev.casey.api.supportcase.CaseStatus;
import dev.casey.api.supportcase.MessagePostedEvent;
import dev.casey.api.supportcase.Participant;
import dev.casey.api.supportcase.ParticipantAddedEvent;
import dev.casey.api.supportcase.TeamInvitedEvent;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.SimpleEventBus;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.annotation.ClasspathParameterResolverFactory;
import org.axonframework.messaging.annotation.MultiParameterResolverFactory;
import org.axonframework.messaging.annotation.ParameterResolver;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.modelling.command.inspection.AggregateModel;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;
import org.openjdk.jol.info.GraphLayout;

/**
 * What one case takes in the command side's case cache ({@code casey.case-cache-size}, 10,000 cases by default): the
 * aggregate as Axon keeps it after loading its events. Measured as the heap that {@value #CASES} such aggregates hold
 * (the whole entry, Axon's wrapper included, nothing shared counted), and the aggregate's own state alone with JOL (a
 * JOL walk from the wrapper reaches the shared reflection data of the aggregate's class). A customer and two team
 * members, an invitation, then messages in turns, every second one come in by mail (its Message-ID is kept to
 * refuse the same mail twice).
 *
 * <p>Run: {@code java -XX:+UseSerialGC -Djdk.attach.allowAttachSelf=true -Djol.magicFieldOffset=true
 * -cp 'bench/target/casey-bench.jar:bench/target/lib/*' dev.casey.bench.memory.CaseMemory}
 */
public final class CaseMemory {

    private static final String AGGREGATE = "dev.casey.command.supportcase.SupportCase";
    private static final Participant CUSTOMER = new Participant("customer-17@customers.example", "Customer 17", false, null);
    private static final List<Participant> TEAM = List.of(
            new Participant("ben@team.example", "Ben Foo", true, UUID.randomUUID()),
            new Participant("ana@team.example", "Ana Bar", true, UUID.randomUUID()));
    private static final Actor CLIENT = Actor.apiClient("bench");
    private static final int CASES = 2_000;

    private CaseMemory() {
    }

    public static void main(String[] args) throws Exception {
        @SuppressWarnings("unchecked")
        Class<Object> type = (Class<Object>) Class.forName(AGGREGATE);
        // the command handlers' collaborators (CaseRules, DeadlineManager, …) are not needed to load events
        ParameterResolver<Object> none = new ParameterResolver<>() {
            @Override
            public Object resolveParameterValue(Message<?> message) {
                return null;
            }

            @Override
            public boolean matches(Message<?> message) {
                return true;
            }
        };
        ParameterResolverFactory collaborators = (executable, parameters, index) -> {
            String name = parameters[index].getType().getName();
            return index > 0 && (name.startsWith("dev.casey.command.") || name.startsWith("org.axonframework.deadline.")
                    || name.startsWith("org.axonframework.commandhandling.")) ? none : null;
        };
        AggregateModel<Object> model = AnnotatedAggregateMetaModelFactory.inspectAggregate(type,
                MultiParameterResolverFactory.ordered(ClasspathParameterResolverFactory.forClass(type), collaborators));
        Constructor<Object> constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
        EventBus bus = SimpleEventBus.builder().build();

        Method estimate = type.getMethod("estimatedBytes");
        estimate.setAccessible(true);
        System.out.println("| messages | heap per cached case (Axon's wrapper included) | the aggregate alone, shared"
                + " constants counted (JOL) | the case's own estimate (casey.case-cache-memory) | 10,000 such cases |");
        System.out.println("|---|---|---|---|---|");
        boolean warm = false;
        // the first round loads and initialises classes and caches: measured, not printed
        for (int messages : new int[] {1, 1, 10, 50, 200, 1000}) {
            List<EventSourcedAggregate<Object>> cached = new ArrayList<>(CASES);
            long before = usedAfterGc();
            for (int i = 0; i < CASES; i++) {
                EventSourcedAggregate<Object> aggregate = EventSourcedAggregate.initialize(constructor.newInstance(),
                        model, bus, NoSnapshotTriggerDefinition.TRIGGER);
                aggregate.initializeState(DomainEventStream.of(events(messages)));
                cached.add(aggregate);
            }
            long perCase = (usedAfterGc() - before) / CASES;
            long root = GraphLayout.parseInstance(cached.get(0).getAggregateRoot()).totalSize();
            if (!warm) {
                warm = true;
                continue;
            }
            System.out.printf(Locale.ROOT, "| %,d | %,d | %,d | %,d | %,.1f MiB |%n", messages, perCase, root,
                    (long) estimate.invoke(cached.get(0).getAggregateRoot()), perCase * 10_000 / 1024.0 / 1024.0);
            cached.clear();
        }
    }

    /**
     * The heap in use once the garbage is gone. With the serial collector and nothing else running, several full
     * collections in a row leave the same figure to a few kilobytes: over {@value #CASES} cases, a few bytes each.
     */
    private static long usedAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Events as the store gives them: every case reads its own copies of names and addresses. */
    private static List<DomainEventMessage<?>> events(int messages) {
        UUID caseId = UUID.randomUUID();
        Participant customer = copy(CUSTOMER);
        List<Participant> team = TEAM.stream().map(CaseMemory::copy).toList();
        List<Object> payloads = new ArrayList<>();
        payloads.add(new CaseOpenedEvent(caseId, "K7QM-4XPD", "Export to CSV stops at 80 %", customer, "billing",
                List.of("export", "csv"), Map.of("shopOrder", "4711"), CaseStatus.OPEN, CLIENT, Source.HTTP));
        payloads.add(new ParticipantAddedEvent(caseId, customer, CLIENT, Source.HTTP));
        payloads.add(new TeamInvitedEvent(caseId, team, Actor.CASEY, Source.SYSTEM));
        for (int m = 0; m < messages; m++) {
            Participant author = m % 2 == 0 ? customer : team.get(m / 2 % team.size());
            if (m == 1 || m == 3) {
                payloads.add(new ParticipantAddedEvent(caseId, author, CLIENT, Source.HTTP));
            }
            boolean byMail = m % 2 == 1;
            payloads.add(new MessagePostedEvent(caseId, UUID.randomUUID(), author, "message " + m, m == 0,
                    byMail ? "<" + UUID.randomUUID() + "@mail.customers.example>" : null, List.of(), CLIENT,
                    byMail ? Source.MAIL : Source.HTTP));
        }
        List<DomainEventMessage<?>> events = new ArrayList<>();
        Instant at = Instant.parse("2026-12-02T10:00:00Z");
        for (int i = 0; i < payloads.size(); i++) {
            events.add(new GenericDomainEventMessage<>("SupportCase", caseId.toString(), i, payloads.get(i),
                    MetaData.emptyInstance(), UUID.randomUUID().toString(), at.plusSeconds(i)));
        }
        return events;
    }

    private static Participant copy(Participant p) {
        return new Participant(new String(p.email()), new String(p.name()), p.team(),
                p.personId() == null ? null : new UUID(p.personId().getMostSignificantBits(),
                        p.personId().getLeastSignificantBits()));
    }
}
