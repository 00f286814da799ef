package dev.casey.command.person;

import dev.casey.api.common.Actor;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.common.Source;
import dev.casey.api.person.PersonRegisteredEvent;
import dev.casey.api.person.PersonRetiredFromTeamEvent;
import dev.casey.api.person.PersonUpdatedEvent;
import dev.casey.api.person.RegisterPersonCommand;
import dev.casey.api.person.RetirePersonFromTeamCommand;
import dev.casey.api.person.UpdatePersonCommand;
import dev.casey.api.settings.Settings;
import dev.casey.command.Refused;
import dev.casey.command.supportcase.CaseRules;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PersonTests {

    private static final UUID BEN = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    private static final UUID ANNA = UUID.fromString("00000000-0000-0000-0000-0000000000b2");
    private static final Actor CLIENT = Actor.apiClient("frontend");

    private AggregateTestFixture<Person> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Person.class);
        // Anna is registered already under anna@domain.tld
        fixture.registerInjectableResource(new PersonDirectory(null) {
            @Override
            public Optional<Entry> findByEmail(String email) {
                return email.equalsIgnoreCase("anna@domain.tld")
                        ? Optional.of(new Entry(ANNA, "anna@domain.tld", "Anna", true, false))
                        : Optional.empty();
            }
        });
        fixture.registerInjectableResource(new CaseRules(() -> Settings.defaults()
                .with(java.util.Map.of("mailAddress", "support@domain.tld"))));
    }

    @Test
    void givenNothing_whenRegister_thenRegistered() {
        fixture.givenNoPriorActivity()
                .when(new RegisterPersonCommand(BEN, " Ben Foo ", " ben@domain.tld", true, CLIENT, Source.HTTP))
                .expectEvents(new PersonRegisteredEvent(BEN, "Ben Foo", "ben@domain.tld", true, CLIENT, Source.HTTP));
    }

    @Test
    void givenAnAddressInUse_whenRegisterItInAnotherCase_thenRefused() {
        Refused.with(fixture.givenNoPriorActivity()
                .when(new RegisterPersonCommand(BEN, "Ben", "ANNA@Domain.tld", false, CLIENT, Source.HTTP)),
                ErrorCode.EMAIL_ALREADY_REGISTERED, "email");
    }

    @Test
    void givenNothing_whenRegisterWithInvalidInput_thenRefused() {
        Refused.with(fixture.givenNoPriorActivity()
                .when(new RegisterPersonCommand(BEN, "Ben", "ben@", false, CLIENT, Source.HTTP)),
                ErrorCode.INVALID_VALUE, "email");
        Refused.with(fixture.givenNoPriorActivity()
                .when(new RegisterPersonCommand(BEN, "", "ben@domain.tld", false, CLIENT, Source.HTTP)),
                ErrorCode.INVALID_VALUE, "name");
        Refused.with(fixture.givenNoPriorActivity()
                .when(new RegisterPersonCommand(BEN, "Ben\r\nBcc: x@y.z", "ben@domain.tld", false, CLIENT, Source.HTTP)),
                ErrorCode.INVALID_VALUE, "name");
    }

    @Test
    void givenNothing_whenRegisterTheSupportAddressOrAPlusAddressOfIt_thenRefused() {
        for (String ours : new String[] {"support@domain.tld", " Support@DOMAIN.tld", "support+ben@domain.tld"}) {
            Refused.with(fixture.givenNoPriorActivity()
                    .when(new RegisterPersonCommand(BEN, "Ben", ours, true, CLIENT, Source.HTTP)),
                    ErrorCode.SUPPORT_ADDRESS, "email");
        }
    }

    @Test
    void givenNothing_whenRegisterAnAddressThatOnlyLooksLikeTheSupportAddress_thenRegistered() {
        fixture.givenNoPriorActivity()
                .when(new RegisterPersonCommand(BEN, "Ben", "support@sub.domain.tld", false, CLIENT, Source.HTTP))
                .expectSuccessfulHandlerExecution();
        fixture.givenNoPriorActivity()
                .when(new RegisterPersonCommand(BEN, "Ben", "supporter@domain.tld", false, CLIENT, Source.HTTP))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void givenPerson_whenUpdateToTheSupportAddress_thenRefused() {
        Refused.with(fixture.given(registered())
                .when(new UpdatePersonCommand(BEN, null, "SUPPORT+x@domain.tld", null, CLIENT, Source.HTTP)),
                ErrorCode.SUPPORT_ADDRESS, "email");
    }

    @Test
    void givenPerson_whenUpdate_thenUpdatedWithFullDetails() {
        fixture.given(registered())
                .when(new UpdatePersonCommand(BEN, null, "ben.foo@domain.tld", null, CLIENT, Source.HTTP))
                .expectEvents(new PersonUpdatedEvent(BEN, "Ben Foo", "ben.foo@domain.tld", true, CLIENT, Source.HTTP));
    }

    @Test
    void givenPerson_whenUpdateWithoutChange_thenNoEvent() {
        fixture.given(registered())
                .when(new UpdatePersonCommand(BEN, "Ben Foo", "ben@domain.tld", true, CLIENT, Source.HTTP))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenPerson_whenUpdateToAnAddressInUse_thenRefused() {
        Refused.with(fixture.given(registered())
                .when(new UpdatePersonCommand(BEN, null, "anna@domain.tld", null, CLIENT, Source.HTTP)),
                ErrorCode.EMAIL_ALREADY_REGISTERED, "email");
    }

    @Test
    void givenTeamMember_whenRetire_thenRetired() {
        fixture.given(registered())
                .when(new RetirePersonFromTeamCommand(BEN, CLIENT, Source.HTTP))
                .expectEvents(new PersonRetiredFromTeamEvent(BEN, CLIENT, Source.HTTP));
    }

    @Test
    void givenRetiredMember_whenRetireAgain_thenRefused() {
        Refused.with(fixture.given(registered(), new PersonRetiredFromTeamEvent(BEN, CLIENT, Source.HTTP))
                .when(new RetirePersonFromTeamCommand(BEN, CLIENT, Source.HTTP)),
                ErrorCode.NOT_A_TEAM_MEMBER, null);
    }

    private static PersonRegisteredEvent registered() {
        return new PersonRegisteredEvent(BEN, "Ben Foo", "ben@domain.tld", true, CLIENT, Source.HTTP);
    }
}
