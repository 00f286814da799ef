package dev.casey.command.supportcase;

import static dev.casey.command.supportcase.CaseFixtures.BEN;
import static dev.casey.command.supportcase.CaseFixtures.BEN_ID;
import static dev.casey.command.supportcase.CaseFixtures.CASE_ID;
import static dev.casey.command.supportcase.CaseFixtures.CLIENT;
import static dev.casey.command.supportcase.CaseFixtures.CUSTOMER;
import static dev.casey.command.supportcase.CaseFixtures.caseOpened;
import static dev.casey.command.supportcase.CaseFixtures.firstMessage;
import static org.axonframework.test.matchers.Matchers.andNoMore;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;
import static org.axonframework.test.matchers.Matchers.matches;
import static org.axonframework.test.matchers.Matchers.payloadsMatching;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import dev.casey.api.supportcase.CaseClosedEvent;
import dev.casey.api.supportcase.CaseStatus;
import dev.casey.api.supportcase.ChangeParticipantAddressCommand;
import dev.casey.api.supportcase.MailWithheldEvent;
import dev.casey.api.supportcase.MessagePostedEvent;
import dev.casey.api.supportcase.Participant;
import dev.casey.api.supportcase.ParticipantAddedEvent;
import dev.casey.api.supportcase.ParticipantAddressChangedEvent;
import dev.casey.api.supportcase.PostMessageCommand;
import dev.casey.api.supportcase.TeamInvitedEvent;
import java.util.List;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A person taking part in a case changes e-mail address. */
class ParticipantAddressTests {

    private static final String NEW_ADDRESS = "Ben.New@domain.tld";
    private static final Participant BEN_NOW = new Participant(NEW_ADDRESS, "Ben Foo", true, BEN_ID);
    private static final UUID REPLY = UUID.fromString("00000000-0000-0000-0000-0000000000a2");

    private AggregateTestFixture<SupportCase> fixture;

    @BeforeEach
    void setUp() {
        fixture = CaseFixtures.fixture(new CaseFixtures.TestSettings(), new CaseFixtures.FixedRoster());
    }

    private static ChangeParticipantAddressCommand benMoves() {
        return new ChangeParticipantAddressCommand(CASE_ID, BEN_ID, BEN.email(), NEW_ADDRESS, "Ben Foo", CLIENT,
                Source.SYSTEM);
    }

    private static TeamInvitedEvent benInvited() {
        return new TeamInvitedEvent(CASE_ID, List.of(BEN), Actor.CASEY, Source.SYSTEM);
    }

    private static ParticipantAddressChangedEvent benMoved() {
        return new ParticipantAddressChangedEvent(CASE_ID, BEN.email(), BEN_NOW, CLIENT, Source.SYSTEM);
    }

    @Test
    void givenBenInvited_whenHisAddressChanges_thenTheCaseAddressesHimAtTheNewOne() {
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage(), benInvited())
                .when(benMoves())
                .expectEvents(benMoved());
    }

    @Test
    void givenBenMovedAlready_whenTheSameChangeComesAgain_thenNothingHappens() {
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage(), benInvited(), benMoved())
                .when(benMoves())
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenACaseBenNeverJoined_whenHisAddressChanges_thenNothingHappens() {
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage())
                .when(benMoves())
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenAClosedCase_whenBensAddressChanges_thenItChangesWithoutReopening() {
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage(), benInvited(),
                        new ParticipantAddedEvent(CASE_ID, BEN, CLIENT, Source.HTTP),
                        new CaseClosedEvent(CASE_ID, null, CLIENT, Source.HTTP))
                .when(benMoves())
                .expectEvents(benMoved());
    }

    @Test
    void givenBenMoved_whenHePostsFromTheNewAddress_thenHeIsTheSameParticipant() {
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage(), benInvited(),
                        new ParticipantAddedEvent(CASE_ID, BEN, CLIENT, Source.HTTP), benMoved())
                .when(new PostMessageCommand(CASE_ID, REPLY, "ben.new@DOMAIN.tld", null, "Still on it", null, null,
                        CLIENT, Source.HTTP))
                .expectEventsMatching(payloadsMatching(exactSequenceOf(
                        matches((Object p) -> p instanceof MessagePostedEvent m && m.author().equals(BEN_NOW)),
                        matches((Object p) -> p instanceof MailWithheldEvent), andNoMore())));
    }

    @Test
    void givenTheCustomerMoved_whenTheyWriteFromTheNewAddress_thenTheyAreTheSameParticipant() {
        Participant moved = new Participant("new.user@other.tld", "Some User", false, UUID.randomUUID());
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage(),
                        new ParticipantAddressChangedEvent(CASE_ID, CUSTOMER.email(), moved, CLIENT, Source.SYSTEM))
                .when(new PostMessageCommand(CASE_ID, REPLY, "new.user@other.tld", null, "Hello again", null, null,
                        CLIENT, Source.HTTP))
                .expectEventsMatching(payloadsMatching(exactSequenceOf(
                        matches((Object p) -> p instanceof MessagePostedEvent m && m.author().equals(moved)),
                        matches((Object p) -> p instanceof MailWithheldEvent), andNoMore())));
    }
}
