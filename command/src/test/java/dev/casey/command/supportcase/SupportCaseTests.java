package dev.casey.command.supportcase;

import static dev.casey.command.supportcase.CaseFixtures.BEN;
import static dev.casey.command.supportcase.CaseFixtures.CASE_ID;
import static dev.casey.command.supportcase.CaseFixtures.CLIENT;
import static dev.casey.command.supportcase.CaseFixtures.CODE;
import static dev.casey.command.supportcase.CaseFixtures.CUSTOMER;
import static dev.casey.command.supportcase.CaseFixtures.caseOpened;
import static dev.casey.command.supportcase.CaseFixtures.firstMessage;
import static dev.casey.command.supportcase.CaseFixtures.openCase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.axonframework.test.matchers.Matchers.andNoMore;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;
import static org.axonframework.test.matchers.Matchers.matches;
import static org.axonframework.test.matchers.Matchers.payloadsMatching;

import dev.casey.api.common.Actor;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.common.Source;
import dev.casey.api.settings.Settings;
import dev.casey.api.supportcase.AutomaticReplyReceivedEvent;
import dev.casey.api.supportcase.CaseCategoryChangedEvent;
import dev.casey.api.supportcase.CaseClosedEvent;
import dev.casey.api.supportcase.CaseConfirmationRequestedEvent;
import dev.casey.api.supportcase.CaseConfirmedEvent;
import dev.casey.api.supportcase.CaseExpiredEvent;
import dev.casey.api.supportcase.CaseMetaChangedEvent;
import dev.casey.api.supportcase.CaseOpenedEvent;
import dev.casey.api.supportcase.CaseReopenedEvent;
import dev.casey.api.supportcase.CaseStatus;
import dev.casey.api.supportcase.CaseTagsChangedEvent;
import dev.casey.api.supportcase.CloseCaseCommand;
import dev.casey.api.supportcase.ConfirmCaseByReplyCommand;
import dev.casey.api.supportcase.ConfirmCaseCommand;
import dev.casey.api.supportcase.MailBouncedEvent;
import dev.casey.api.supportcase.MailDeliveryFailedEvent;
import dev.casey.api.supportcase.MailHeldBackEvent;
import dev.casey.api.supportcase.MessagePostedEvent;
import dev.casey.api.supportcase.MessageRefusedEvent;
import dev.casey.api.supportcase.OpenCaseCommand;
import dev.casey.api.supportcase.ParticipantAddedEvent;
import dev.casey.api.supportcase.PostMessageCommand;
import dev.casey.api.supportcase.PostOutcome;
import dev.casey.api.supportcase.RecordAutomaticReplyCommand;
import dev.casey.api.supportcase.RecordMailBounceCommand;
import dev.casey.api.supportcase.RecordMailDeliveryFailureCommand;
import dev.casey.api.supportcase.RecordMailHeldBackCommand;
import dev.casey.api.supportcase.ReopenCaseCommand;
import dev.casey.api.supportcase.TeamInvitedEvent;
import dev.casey.api.supportcase.UpdateCaseDetailsCommand;
import dev.casey.command.Refused;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.modelling.command.ConflictingAggregateVersionException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SupportCaseTests {

    private static final UUID REPLY = UUID.fromString("00000000-0000-0000-0000-0000000000a2");

    private AggregateTestFixture<SupportCase> fixture;
    private CaseFixtures.TestSettings settings;
    private CaseFixtures.FixedRoster roster;

    @BeforeEach
    void setUp() {
        settings = new CaseFixtures.TestSettings();
        roster = new CaseFixtures.FixedRoster();
        fixture = CaseFixtures.fixture(settings, roster);
    }

    @Test
    void givenATeam_whenOpenCase_thenTeamMembersAreInvitedAfterTheFirstMessage() {
        roster.members = List.of(BEN);
        settings.set("teamInviteCount", 2);
        fixture.givenNoPriorActivity()
                .when(openCase())
                .expectEvents(caseOpened(CaseStatus.OPEN), firstMessage(),
                        new TeamInvitedEvent(CASE_ID, List.of(BEN), Actor.CASEY, Source.SYSTEM));
        assertThat(roster.lastCount).isEqualTo(2);
    }

    @Test
    void givenAPendingCase_whenConfirmed_thenTheTeamIsInvitedOnlyThen() {
        roster.members = List.of(BEN);
        settings.set("caseConfirmation", true);
        fixture.givenNoPriorActivity().when(openCase())
                .expectEventsMatching(payloadsMatching(exactSequenceOf(
                        matches((Object p) -> p instanceof CaseOpenedEvent),
                        matches((Object p) -> p instanceof CaseConfirmationRequestedEvent),
                        matches((Object p) -> p instanceof MessagePostedEvent),
                        andNoMore())));
        fixture.given(caseOpened(CaseStatus.PENDING), requested(fixture.currentTime().plusSeconds(60)), firstMessage())
                .when(new ConfirmCaseCommand(CASE_ID, CODE, CLIENT, Source.HTTP))
                .expectEvents(new CaseConfirmedEvent(CASE_ID, CLIENT, Source.HTTP),
                        new TeamInvitedEvent(CASE_ID, List.of(BEN), Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenOpenCase_whenAnAutomaticReplyArrivesTwice_thenRecordedOnce() {
        Actor mail = Actor.system("mail");
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage(),
                        new AutomaticReplyReceivedEvent(CASE_ID, CUSTOMER.email(), "Out of office", "auto-submitted",
                                "ooo@other.tld", mail, Source.MAIL))
                .when(new RecordAutomaticReplyCommand(CASE_ID, CUSTOMER.email(), "Out of office", "auto-submitted",
                        "ooo@other.tld", mail, Source.MAIL))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage())
                .when(new RecordAutomaticReplyCommand(CASE_ID, CUSTOMER.email(), "Out of office", "auto-submitted",
                        "ooo@other.tld", mail, Source.MAIL))
                .expectEvents(new AutomaticReplyReceivedEvent(CASE_ID, CUSTOMER.email(), "Out of office",
                        "auto-submitted", "ooo@other.tld", mail, Source.MAIL));
    }

    @Test
    void givenAMailHeldBack_whenItIsHeldBackAgain_thenRecordedOnce_andWhenAnOperatorReleasesIt_thenItIsPosted() {
        Actor mail = Actor.system("mail");
        MailHeldBackEvent heldBack = new MailHeldBackEvent(CASE_ID, CUSTOMER.email(), "Re: more", "mailRateLimit",
                "held@other.tld", mail, Source.MAIL);
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage(), heldBack)
                .when(new RecordMailHeldBackCommand(CASE_ID, CUSTOMER.email(), "Re: more", "mailRateLimit",
                        "held@other.tld", mail, Source.MAIL))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage(), heldBack)
                .when(new PostMessageCommand(CASE_ID, UUID.randomUUID(), CUSTOMER.email(), null, "more", "held@other.tld",
                        List.of(), Actor.person(CUSTOMER.name(), CUSTOMER.email()), Source.MAIL))
                .expectResultMessagePayload(PostOutcome.POSTED);
    }

    @Test
    void givenOpenCase_whenMailBouncesOrFails_thenRecordedInTheHistory() {
        Actor mail = Actor.system("mail");
        fixture.given(caseOpened(CaseStatus.OPEN))
                .when(new RecordMailBounceCommand(CASE_ID, CUSTOMER.email(), "casey.x@d.tld", "550 no such user", mail,
                        Source.MAIL))
                .expectEvents(new MailBouncedEvent(CASE_ID, CUSTOMER.email(), "casey.x@d.tld", "550 no such user", mail,
                        Source.MAIL));
        fixture.given(caseOpened(CaseStatus.OPEN))
                .when(new RecordMailDeliveryFailureCommand(CASE_ID, CUSTOMER.email(), "casey.x@d.tld", "554 refused",
                        mail, Source.SYSTEM))
                .expectEvents(new MailDeliveryFailedEvent(CASE_ID, CUSTOMER.email(), "casey.x@d.tld", "554 refused",
                        mail, Source.SYSTEM));
    }

    @Test
    void givenNothing_whenOpenCase_thenCaseOpenedWithItsFirstMessage() {
        fixture.givenNoPriorActivity()
                .when(openCase())
                .expectSuccessfulHandlerExecution()
                .expectEvents(caseOpened(CaseStatus.OPEN), firstMessage());
    }

    @Test
    void givenConfirmationRequired_whenOpenCase_thenCaseIsPendingWithACode() {
        settings.set("caseConfirmation", true);
        Instant now = fixture.currentTime();
        fixture.givenNoPriorActivity()
                .when(openCase())
                .expectEvents(caseOpened(CaseStatus.PENDING),
                        new CaseConfirmationRequestedEvent(CASE_ID, CODE, now.plus(Duration.ofDays(7)),
                                Actor.CASEY, Source.SYSTEM),
                        firstMessage());
    }

    @Test
    void givenATeamMemberAsCreator_whenOpenCase_thenCreatorIsKnownAsTeam() {
        OpenCaseCommand byBen = new OpenCaseCommand(CASE_ID, "Internal", null, "BEN@domain.tld", "Please look",
                CaseFixtures.FIRST_MESSAGE, null, null, null, null, null, CLIENT, Source.HTTP);
        fixture.givenNoPriorActivity()
                .when(byBen)
                .expectEventsMatching(payloadsMatching(exactSequenceOf(
                        matches((Object p) -> p instanceof CaseOpenedEvent e && e.creator().equals(BEN)),
                        matches((Object p) -> p instanceof MessagePostedEvent e && e.author().equals(BEN)),
                        andNoMore())));
    }

    @Test
    void givenNothing_whenOpenCaseWithInvalidInput_thenRefusedNamingTheField() {
        Refused.with(fixture.givenNoPriorActivity().when(new OpenCaseCommand(CASE_ID, "s", "n", "not-an-address",
                "m", CaseFixtures.FIRST_MESSAGE, null, null, null, null, null, CLIENT, Source.HTTP)),
                ErrorCode.INVALID_VALUE, "creator.email");
        Refused.with(fixture.givenNoPriorActivity().when(new OpenCaseCommand(CASE_ID, " ", "n", "a@b.cd",
                "m", CaseFixtures.FIRST_MESSAGE, null, null, null, null, null, CLIENT, Source.HTTP)),
                ErrorCode.INVALID_VALUE, "subject");
        Refused.with(fixture.givenNoPriorActivity().when(new OpenCaseCommand(CASE_ID, "s", "n", "a@b.cd",
                "m", CaseFixtures.FIRST_MESSAGE, null, List.of("two words"), null, null, null, CLIENT, Source.HTTP)),
                ErrorCode.INVALID_VALUE, "tags[0]");
    }

    @Test
    void givenNothing_whenOpenCaseForTheSupportAddress_thenRefused() {
        for (String ours : new String[] {Settings.defaults().mailAddress().toUpperCase(), "support+loop@casey.localhost"}) {
            Refused.with(fixture.givenNoPriorActivity().when(new OpenCaseCommand(CASE_ID, "s", "n", ours,
                    "m", CaseFixtures.FIRST_MESSAGE, null, null, null, null, null, CLIENT, Source.HTTP)),
                    ErrorCode.SUPPORT_ADDRESS, "creator.email");
        }
    }

    @Test
    void givenNothing_whenOpenCaseWithReservedMetaKey_thenRefused() {
        Refused.with(fixture.givenNoPriorActivity().when(new OpenCaseCommand(CASE_ID, "s", "n", "a@b.cd", "m",
                CaseFixtures.FIRST_MESSAGE, null, null, Map.of("caseyStatus", "x"), null, null, CLIENT, Source.HTTP)),
                ErrorCode.RESERVED_META_KEY, "meta.caseyStatus");
        Refused.with(fixture.givenNoPriorActivity().when(new OpenCaseCommand(CASE_ID, "s", "n", "a@b.cd", "m",
                CaseFixtures.FIRST_MESSAGE, null, null, Map.of("_internal", "x"), null, null, CLIENT, Source.HTTP)),
                ErrorCode.RESERVED_META_KEY, "meta._internal");
    }

    @Test
    void givenPendingCase_whenConfirmWithItsCode_thenConfirmed() {
        fixture.given(caseOpened(CaseStatus.PENDING), requested(fixture.currentTime().plusSeconds(60)), firstMessage())
                .when(new ConfirmCaseCommand(CASE_ID, CODE, CLIENT, Source.HTTP))
                .expectEvents(new CaseConfirmedEvent(CASE_ID, CLIENT, Source.HTTP));
    }

    @Test
    void givenPendingCase_whenItsCreatorRepliesToTheConfirmationMail_thenConfirmedAndTheTeamInvited() {
        roster.members = List.of(BEN);
        Actor mail = Actor.person("Some User", CUSTOMER.email());
        fixture.given(caseOpened(CaseStatus.PENDING), requested(fixture.currentTime().plusSeconds(60)), firstMessage())
                .when(new ConfirmCaseByReplyCommand(CASE_ID, "Some.User@Other.TLD", mail, Source.MAIL))
                .expectEvents(new CaseConfirmedEvent(CASE_ID, mail, Source.MAIL),
                        new TeamInvitedEvent(CASE_ID, List.of(BEN), Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenPendingCase_whenAnotherAddressReplies_thenRefusedAsPending() {
        Refused.with(fixture.given(caseOpened(CaseStatus.PENDING), requested(fixture.currentTime().plusSeconds(60)))
                .when(new ConfirmCaseByReplyCommand(CASE_ID, "someone.else@other.tld", CLIENT, Source.MAIL)),
                ErrorCode.CASE_PENDING, "from");
        Refused.with(fixture.given(caseOpened(CaseStatus.PENDING), requested(fixture.currentTime().minusSeconds(1)))
                .when(new ConfirmCaseByReplyCommand(CASE_ID, CUSTOMER.email(), CLIENT, Source.MAIL)),
                ErrorCode.CONFIRMATION_EXPIRED, "from");
    }

    @Test
    void givenConfirmedCase_whenItsCreatorRepliesToTheConfirmationMail_thenNothingMoreToConfirm() {
        fixture.given(caseOpened(CaseStatus.PENDING), requested(fixture.currentTime().plusSeconds(60)),
                        new CaseConfirmedEvent(CASE_ID, CLIENT, Source.HTTP))
                .when(new ConfirmCaseByReplyCommand(CASE_ID, CUSTOMER.email(), CLIENT, Source.MAIL))
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    @Test
    void givenPendingCase_whenConfirmWithAnotherCode_thenRefused() {
        Refused.with(fixture.given(caseOpened(CaseStatus.PENDING), requested(fixture.currentTime().plusSeconds(60)))
                .when(new ConfirmCaseCommand(CASE_ID, "guessed", CLIENT, Source.HTTP)),
                ErrorCode.CONFIRMATION_CODE_INVALID, "code");
    }

    @Test
    void givenPendingCaseWithExpiredCode_whenConfirm_thenRefusedAsExpired() {
        Refused.with(fixture.given(caseOpened(CaseStatus.PENDING), requested(fixture.currentTime().minusSeconds(1)))
                .when(new ConfirmCaseCommand(CASE_ID, CODE, CLIENT, Source.HTTP)),
                ErrorCode.CONFIRMATION_EXPIRED, "code");
    }

    @Test
    void givenConfirmedCase_whenConfirmAgain_thenRefused() {
        Refused.with(fixture.given(caseOpened(CaseStatus.PENDING), requested(fixture.currentTime().plusSeconds(60)),
                        new CaseConfirmedEvent(CASE_ID, CLIENT, Source.HTTP))
                .when(new ConfirmCaseCommand(CASE_ID, CODE, CLIENT, Source.HTTP)),
                ErrorCode.ALREADY_CONFIRMED, null);
    }

    @Test
    void givenOpenCase_whenTheCreatorPosts_thenMessagePosted() {
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage())
                .when(new PostMessageCommand(CASE_ID, REPLY, "Some.User@other.tld", null, "More detail", null, null, CLIENT,
                        Source.HTTP))
                .expectEvents(new MessagePostedEvent(CASE_ID, REPLY, CUSTOMER, "More detail", false, null, List.of(), CLIENT,
                        Source.HTTP), CaseFixtures.noCopyFor(CUSTOMER));
    }

    @Test
    void givenOpenCase_whenATeamMemberPostsForTheFirstTime_thenTheyJoinAndPost() {
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage())
                .when(new PostMessageCommand(CASE_ID, REPLY, "ben@domain.tld", null, "Tell us more", null, null, CLIENT,
                        Source.HTTP))
                .expectEvents(new ParticipantAddedEvent(CASE_ID, BEN, CLIENT, Source.HTTP),
                        new MessagePostedEvent(CASE_ID, REPLY, BEN, "Tell us more", false, null, List.of(), CLIENT, Source.HTTP),
                        CaseFixtures.noCopyFor(BEN));
    }

    @Test
    void givenOpenCase_whenAStrangerPosts_thenRefused() {
        Refused.with(fixture.given(caseOpened(CaseStatus.OPEN), firstMessage())
                .when(new PostMessageCommand(CASE_ID, REPLY, "stranger@else.where", null, "Hi", null, null, CLIENT,
                        Source.HTTP)),
                ErrorCode.NOT_A_PARTICIPANT, "from");
    }

    @Test
    void givenOpenCase_whenTheSupportAddressPosts_thenRefused() {
        Refused.with(fixture.given(caseOpened(CaseStatus.OPEN), firstMessage())
                .when(new PostMessageCommand(CASE_ID, REPLY, "Support@Casey.Localhost", null, "Hi", null, null, CLIENT,
                        Source.MAIL)),
                ErrorCode.SUPPORT_ADDRESS, "from");
    }

    @Test
    void givenPostedMessage_whenTheSameMessageArrivesAgain_thenNothingHappens() {
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage(),
                        new MessagePostedEvent(CASE_ID, REPLY, CUSTOMER, "More", false, "abc@mail.example", List.of(), CLIENT,
                                Source.MAIL))
                .when(new PostMessageCommand(CASE_ID, UUID.randomUUID(), CUSTOMER.email(), null, "More",
                        "abc@mail.example", null, CLIENT, Source.MAIL))
                .expectSuccessfulHandlerExecution()
                .expectResultMessagePayload(PostOutcome.REPEATED)
                .expectNoEvents();
        // the caller learns it was posted before: a request under the same key is compared with what was posted
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage())
                .when(new PostMessageCommand(CASE_ID, CaseFixtures.FIRST_MESSAGE, CUSTOMER.email(), null, "retried",
                        null, null, CLIENT, Source.HTTP))
                .expectResultMessagePayload(PostOutcome.REPEATED)
                .expectNoEvents();
    }

    @Test
    void givenPendingCase_whenPosting_thenRefused() {
        Refused.with(fixture.given(caseOpened(CaseStatus.PENDING), firstMessage())
                .when(new PostMessageCommand(CASE_ID, REPLY, CUSTOMER.email(), null, "x", null, null, CLIENT, Source.HTTP)),
                ErrorCode.CASE_PENDING, null);
    }

    @Test
    void givenPendingCase_whenAMailIsPosted_thenItIsKeptAsRefusedWithoutAnAnswer() {
        fixture.given(caseOpened(CaseStatus.PENDING), firstMessage())
                .when(new PostMessageCommand(CASE_ID, REPLY, CUSTOMER.email(), null, "any news?", "m2@other.tld", null,
                        CLIENT, Source.MAIL))
                .expectEvents(new MessageRefusedEvent(CASE_ID, REPLY, CUSTOMER, "any news?",
                        "the case awaits its creator's confirmation", "m2@other.tld", false, CLIENT, Source.MAIL));
    }

    @Test
    void givenExpiredCase_whenPosting_thenRefusedOverHttpAndKeptAsRefusedWithAnAnswerByMail() {
        CaseExpiredEvent expired = new CaseExpiredEvent(CASE_ID, Actor.CASEY, Source.SYSTEM);
        Refused.with(fixture.given(caseOpened(CaseStatus.PENDING), firstMessage(), expired)
                .when(new PostMessageCommand(CASE_ID, REPLY, CUSTOMER.email(), null, "x", null, null, CLIENT, Source.HTTP)),
                ErrorCode.CASE_EXPIRED, null);
        fixture.given(caseOpened(CaseStatus.PENDING), firstMessage(), expired)
                .when(new PostMessageCommand(CASE_ID, REPLY, CUSTOMER.email(), null, "confirmed late", "m3@other.tld",
                        null, CLIENT, Source.MAIL))
                .expectEvents(new MessageRefusedEvent(CASE_ID, REPLY, CUSTOMER, "confirmed late",
                        "the case was never confirmed and has expired", "m3@other.tld", true, CLIENT, Source.MAIL));
    }

    @Test
    void givenClosedCaseAndReopeningAllowed_whenPosting_thenReopenedAndPosted() {
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage(), closed())
                .when(new PostMessageCommand(CASE_ID, REPLY, CUSTOMER.email(), null, "Still broken", null, null, CLIENT,
                        Source.HTTP))
                .expectEvents(new CaseReopenedEvent(CASE_ID, "a message arrived", CLIENT, Source.HTTP),
                        new MessagePostedEvent(CASE_ID, REPLY, CUSTOMER, "Still broken", false, null, List.of(), CLIENT,
                                Source.HTTP), CaseFixtures.noCopyFor(CUSTOMER));
    }

    @Test
    void givenClosedCaseAndReopeningOff_whenPosting_thenRefused() {
        settings.set("caseCanReopen", false);
        Refused.with(fixture.given(caseOpened(CaseStatus.OPEN), firstMessage(), closed())
                .when(new PostMessageCommand(CASE_ID, REPLY, CUSTOMER.email(), null, "x", null, null, CLIENT, Source.HTTP)),
                ErrorCode.CASE_CLOSED, null);
    }

    @Test
    void givenOpenCase_whenClose_thenClosed() {
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage())
                .when(new CloseCaseCommand(CASE_ID, "solved", CLIENT, Source.HTTP))
                .expectEvents(closed());
    }

    @Test
    void givenOpenCase_whenClosedWithAnOverlongReason_thenRefused() {
        Refused.with(fixture.given(caseOpened(CaseStatus.OPEN), firstMessage())
                .when(new CloseCaseCommand(CASE_ID, "x".repeat(SupportCase.MAX_REASON_LENGTH + 1), CLIENT,
                        Source.HTTP)), ErrorCode.INVALID_VALUE, "reason");
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage())
                .when(new CloseCaseCommand(CASE_ID, "x".repeat(SupportCase.MAX_REASON_LENGTH), CLIENT, Source.HTTP))
                .expectEvents(new CaseClosedEvent(CASE_ID, "x".repeat(SupportCase.MAX_REASON_LENGTH), CLIENT,
                        Source.HTTP));
    }

    @Test
    void givenClosedCase_whenCloseAgain_thenRefused() {
        Refused.with(fixture.given(caseOpened(CaseStatus.OPEN), closed())
                .when(new CloseCaseCommand(CASE_ID, null, CLIENT, Source.HTTP)), ErrorCode.CASE_ALREADY_CLOSED, null);
    }

    @Test
    void givenClosedCase_whenReopen_thenOpen() {
        fixture.given(caseOpened(CaseStatus.OPEN), closed())
                .when(new ReopenCaseCommand(CASE_ID, "not solved", CLIENT, Source.HTTP))
                .expectEvents(new CaseReopenedEvent(CASE_ID, "not solved", CLIENT, Source.HTTP));
    }

    @Test
    void givenAPendingCaseClosed_whenReopen_thenRefused() {
        // reopened it would be open without the team ever having been told of it
        Refused.with(fixture.given(caseOpened(CaseStatus.PENDING), requested(fixture.currentTime().plusSeconds(60)),
                        firstMessage(), closed())
                .when(new ReopenCaseCommand(CASE_ID, "changed my mind", CLIENT, Source.HTTP)),
                ErrorCode.CASE_NEVER_CONFIRMED, null);
    }

    @Test
    void givenAPendingCaseClosed_whenConfirm_thenRefusedAsClosed() {
        Refused.with(fixture.given(caseOpened(CaseStatus.PENDING), requested(fixture.currentTime().plusSeconds(60)),
                        firstMessage(), closed())
                .when(new ConfirmCaseCommand(CASE_ID, CODE, CLIENT, Source.HTTP)),
                ErrorCode.CASE_CLOSED, null);
    }

    @Test
    void givenAPendingCaseClosed_whenPosting_thenRefusedAlsoByMail() {
        Refused.with(fixture.given(caseOpened(CaseStatus.PENDING), requested(fixture.currentTime().plusSeconds(60)),
                        firstMessage(), closed())
                .when(new PostMessageCommand(CASE_ID, REPLY, CUSTOMER.email(), null, "x", null, null, CLIENT, Source.HTTP)),
                ErrorCode.CASE_CLOSED, null);
        fixture.given(caseOpened(CaseStatus.PENDING), requested(fixture.currentTime().plusSeconds(60)), firstMessage(),
                        closed())
                .when(new PostMessageCommand(CASE_ID, REPLY, CUSTOMER.email(), null, "open it", "m1@other.tld", null,
                        CLIENT, Source.MAIL))
                .expectEvents(new MessageRefusedEvent(CASE_ID, REPLY, CUSTOMER, "open it",
                        "the case was closed before its creator confirmed it", "m1@other.tld", true, CLIENT, Source.MAIL));
    }

    @Test
    void givenOpenCase_whenReopen_thenRefused() {
        Refused.with(fixture.given(caseOpened(CaseStatus.OPEN))
                .when(new ReopenCaseCommand(CASE_ID, null, CLIENT, Source.HTTP)), ErrorCode.CASE_NOT_CLOSED, null);
    }

    @Test
    void givenOpenCase_whenChangedNamingAnotherVersion_thenRefusedAsConflicting() {
        for (long other : new long[] {0L, 7L}) {
            fixture.given(caseOpened(CaseStatus.OPEN), firstMessage())
                    .when(new UpdateCaseDetailsCommand(CASE_ID, "warranty", null, null, CLIENT, Source.HTTP, other))
                    .expectException(ConflictingAggregateVersionException.class);
        }
        fixture.given(caseOpened(CaseStatus.OPEN), firstMessage())
                .when(new UpdateCaseDetailsCommand(CASE_ID, "warranty", null, null, CLIENT, Source.HTTP, 1L))
                .expectEvents(new CaseCategoryChangedEvent(CASE_ID, "warranty", CLIENT, Source.HTTP));
    }

    @Test
    void givenOpenCase_whenDetailsChange_thenOneEventPerChangedDetail() {
        fixture.given(caseOpened(CaseStatus.OPEN))
                .when(new UpdateCaseDetailsCommand(CASE_ID, "warranty", List.of("bug", "urgent", "bug"), null, CLIENT,
                        Source.HTTP))
                .expectEvents(new CaseCategoryChangedEvent(CASE_ID, "warranty", CLIENT, Source.HTTP),
                        new CaseTagsChangedEvent(CASE_ID, List.of("bug", "urgent"), CLIENT, Source.HTTP));
        fixture.given(caseOpened(CaseStatus.OPEN))
                .when(new UpdateCaseDetailsCommand(CASE_ID, "", null, Map.of("b", "2", "a", "1"), CLIENT, Source.HTTP))
                .expectEvents(new CaseCategoryChangedEvent(CASE_ID, null, CLIENT, Source.HTTP),
                        new CaseMetaChangedEvent(CASE_ID, Map.of("a", "1", "b", "2"), CLIENT, Source.HTTP));
    }

    @Test
    void givenOpenCase_whenDetailsAreTheSame_thenNoEvents() {
        fixture.given(caseOpened(CaseStatus.OPEN))
                .when(new UpdateCaseDetailsCommand(CASE_ID, "support", List.of("bug"), Map.of("myOrder", "42"), CLIENT,
                        Source.HTTP))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenOpenCase_whenMetaGetsAReservedKey_thenRefused() {
        Refused.with(fixture.given(caseOpened(CaseStatus.OPEN))
                .when(new UpdateCaseDetailsCommand(CASE_ID, null, null, Map.of("CaseyRef", "x"), CLIENT, Source.HTTP)),
                ErrorCode.RESERVED_META_KEY, "meta.CaseyRef");
    }

    private static CaseConfirmationRequestedEvent requested(Instant expiresAt) {
        return new CaseConfirmationRequestedEvent(CASE_ID, CODE, expiresAt, Actor.CASEY,
                Source.SYSTEM);
    }

    private static CaseClosedEvent closed() {
        return new CaseClosedEvent(CASE_ID, "solved", CLIENT, Source.HTTP);
    }
}
