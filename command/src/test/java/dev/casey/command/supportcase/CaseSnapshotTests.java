package dev.casey.command.supportcase;

import static dev.casey.command.supportcase.CaseFixtures.BEN;
import static dev.casey.command.supportcase.CaseFixtures.CASE_ID;
import static dev.casey.command.supportcase.CaseFixtures.CLIENT;
import static dev.casey.command.supportcase.CaseFixtures.CUSTOMER;
import static dev.casey.command.supportcase.CaseFixtures.caseOpened;
import static dev.casey.command.supportcase.CaseFixtures.firstMessage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import dev.casey.api.supportcase.AutomaticReplyReceivedEvent;
import dev.casey.api.supportcase.CaseStatus;
import dev.casey.api.supportcase.CaseTagsChangedEvent;
import dev.casey.api.supportcase.MessagePostedEvent;
import dev.casey.api.supportcase.ParticipantAddedEvent;
import dev.casey.api.supportcase.PostMessageCommand;
import dev.casey.api.supportcase.TeamInvitedEvent;
import java.util.List;
import java.util.UUID;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

/** A snapshot of a case holds every field its decisions depend on, and nothing is lost on the way back. */
class CaseSnapshotTests {

    private final Jackson3Serializer serializer = Jackson3Serializer.builder().build();

    @Test
    void givenACaseWithHistory_whenSnapshottedAndRestored_thenTheStateIsTheSame() {
        CaseFixtures.FixedRoster roster = new CaseFixtures.FixedRoster();
        AggregateTestFixture<SupportCase> fixture = CaseFixtures.fixture(new CaseFixtures.TestSettings(), roster);
        Actor mail = Actor.system("mail");
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage(),
                        new TeamInvitedEvent(CASE_ID, List.of(BEN), Actor.CASEY, Source.SYSTEM),
                        new MessagePostedEvent(CASE_ID, UUID.randomUUID(), CUSTOMER, "by mail", false,
                                "<reply-1@other.tld>", List.of(), mail, Source.MAIL),
                        new ParticipantAddedEvent(CASE_ID, BEN, CLIENT, Source.HTTP),
                        new AutomaticReplyReceivedEvent(CASE_ID, CUSTOMER.email(), "Out of office", "auto-submitted",
                                "<ooo-1@other.tld>", mail, Source.MAIL),
                        new CaseTagsChangedEvent(CASE_ID, List.of("bug", "vip"), CLIENT, Source.HTTP))
                .when(new PostMessageCommand(CASE_ID, UUID.randomUUID(), BEN.email(), null, "We are on it", null,
                        List.of(), CLIENT, Source.HTTP))
                .expectSuccessfulHandlerExecution()
                .expectState(state -> {
                    SerializedObject<byte[]> snapshot = serializer.serialize(state, byte[].class);
                    SupportCase restored = serializer.deserialize(snapshot);
                    assertThat(restored).usingRecursiveComparison().isEqualTo(state);
                    assertThat(new String(snapshot.getData())).contains("<reply-1@other.tld>", "vip");
                });
    }
}
