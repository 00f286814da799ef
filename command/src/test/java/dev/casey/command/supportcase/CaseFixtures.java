package dev.casey.command.supportcase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import dev.casey.api.settings.Settings;
import dev.casey.api.supportcase.CaseOpenedEvent;
import dev.casey.api.supportcase.CaseStatus;
import dev.casey.api.supportcase.MailWithheldEvent;
import dev.casey.api.supportcase.MessagePostedEvent;
import dev.casey.api.supportcase.OpenCaseCommand;
import dev.casey.api.supportcase.Participant;
import dev.casey.command.person.PersonDirectory;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/** Shared test data for the support case aggregate. */
final class CaseFixtures {

    static final UUID CASE_ID = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    static final UUID FIRST_MESSAGE = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    static final UUID BEN_ID = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    static final String REFERENCE = "K7QM-4XPD";
    static final String CODE = "confirmation-code-1";
    static final Actor CLIENT = Actor.apiClient("frontend");
    static final Participant CUSTOMER = new Participant("some.user@other.tld", "Some User", false, null);
    static final Participant BEN = new Participant("ben@domain.tld", "Ben Foo", true, BEN_ID);

    private CaseFixtures() {
    }

    static OpenCaseCommand openCase() {
        return new OpenCaseCommand(CASE_ID, "I found a bug", "Some User", "some.user@other.tld",
                "There is a bug over there!", FIRST_MESSAGE, "support", List.of("bug"), Map.of("myOrder", "42"), null, null,
                CLIENT, Source.HTTP);
    }

    static CaseOpenedEvent caseOpened(CaseStatus status) {
        return new CaseOpenedEvent(CASE_ID, REFERENCE, "I found a bug", CUSTOMER, "support", List.of("bug"),
                Map.of("myOrder", "42"), status, CLIENT, Source.HTTP);
    }

    static final Participant ANNA = new Participant("anna@domain.tld", "Anna Bell", true,
            UUID.fromString("00000000-0000-0000-0000-0000000000b2"));

    /** The author's own copy is off by default, and that decision is on record. */
    static MailWithheldEvent noCopyFor(Participant author) {
        return new MailWithheldEvent(CASE_ID, author.email(),
                "caseSendCopy is off: the author gets no copy of their own message", Actor.CASEY, Source.SYSTEM);
    }

    static MessagePostedEvent firstMessage() {
        return new MessagePostedEvent(CASE_ID, FIRST_MESSAGE, CUSTOMER, "There is a bug over there!", true, null, List.of(),
                CLIENT, Source.HTTP);
    }

    /** A fixture for the case aggregate with fixed keys, these settings and roster, and Ben in the directory. */
    static AggregateTestFixture<SupportCase> fixture(TestSettings settings, FixedRoster roster) {
        AggregateTestFixture<SupportCase> fixture = new AggregateTestFixture<>(SupportCase.class);
        fixture.registerInjectableResource(new FixedKeys());
        fixture.registerInjectableResource(settings.rules());
        fixture.registerInjectableResource(directoryWithBen());
        fixture.registerInjectableResource(roster);
        return fixture;
    }

    /** Keys that are the same every time, so that expected events can be written out. */
    static final class FixedKeys implements CaseKeys {
        @Override
        public String newReference(UUID caseId) {
            return REFERENCE;
        }

        @Override
        public String newConfirmationCode(UUID caseId) {
            return CODE;
        }
    }

    /** Settings a test can change between commands. */
    static final class TestSettings {
        final AtomicReference<Settings> current = new AtomicReference<>(Settings.defaults());

        CaseRules rules() {
            return new CaseRules(current::get);
        }

        void set(String key, Object value) {
            current.set(current.get().with(Map.of(key, value)));
        }
    }

    /** A roster that invites whoever the test put in it, minus the excluded. */
    static final class FixedRoster implements TeamRoster {
        List<Participant> members = List.of();
        int lastCount = -1;

        @Override
        public List<Participant> invite(int count, Set<String> excludedEmailKeys, Set<UUID> excludedPersons) {
            lastCount = count;
            return members.stream().filter(p -> !excludedEmailKeys.contains(p.email().toLowerCase()))
                    .filter(p -> !excludedPersons.contains(p.personId()))
                    .limit(count <= 0 ? Long.MAX_VALUE : count).toList();
        }

        /** Who is still among the members the test put in, as they are there now. */
        @Override
        public List<Participant> stillInTeam(List<Participant> invited) {
            return invited.stream().flatMap(p -> members.stream().filter(m -> m.personId().equals(p.personId())))
                    .toList();
        }
    }

    /** A directory that knows Ben as an active team member, and nobody else. */
    static PersonDirectory directoryWithBen() {
        return new PersonDirectory(null) {
            @Override
            public Optional<Entry> findByEmail(String email) {
                return email.equalsIgnoreCase(BEN.email())
                        ? Optional.of(new Entry(BEN_ID, BEN.email(), BEN.name(), true, false))
                        : Optional.empty();
            }
        };
    }
}
