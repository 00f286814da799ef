package dev.casey.command.supportcase;

import static dev.casey.command.supportcase.CaseFixtures.ANNA;
import static dev.casey.command.supportcase.CaseFixtures.BEN;
import static dev.casey.command.supportcase.CaseFixtures.CASE_ID;
import static dev.casey.command.supportcase.CaseFixtures.CLIENT;
import static dev.casey.command.supportcase.CaseFixtures.CUSTOMER;
import static dev.casey.command.supportcase.CaseFixtures.openCase;

import dev.casey.api.common.Actor;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.common.Source;
import dev.casey.api.supportcase.CaseClosedEvent;
import dev.casey.api.supportcase.CaseExpiredEvent;
import dev.casey.api.supportcase.ConfirmCaseCommand;
import dev.casey.api.supportcase.MailWithheldEvent;
import dev.casey.api.supportcase.MessageRefusedEvent;
import dev.casey.api.supportcase.PostMessageCommand;
import dev.casey.api.supportcase.Participant;
import dev.casey.api.supportcase.PostOutcome;
import dev.casey.api.supportcase.TeamInvitedEvent;
import dev.casey.api.supportcase.TeamRemindedEvent;
import dev.casey.command.Refused;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.axonframework.deadline.DeadlineMessage;
import org.axonframework.deadline.GenericDeadlineMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.TestExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The timers of a case (confirmation expiry, idle close, team reminders) and refusals of closed cases. */
class CaseTimerTests {

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
    void givenAPendingCase_whenItsCodeExpires_thenTheCaseExpires() {
        settings.set("caseConfirmation", true);
        settings.set("caseConfirmationExpiry", "2d");
        fixture.givenCommands(openCase())
                .whenTimeElapses(Duration.ofDays(2))
                .expectEvents(new CaseExpiredEvent(CASE_ID, Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenAConfirmedCase_whenTheCodeWouldHaveExpired_thenNothingExpires() {
        settings.set("caseConfirmation", true);
        settings.set("caseConfirmationExpiry", "2d");
        settings.set("caseCloseIdle", "0");
        fixture.givenCommands(openCase(), new ConfirmCaseCommand(CASE_ID, CaseFixtures.CODE, CLIENT, Source.HTTP))
                .whenTimeElapses(Duration.ofDays(3))
                .expectNoEvents();
    }

    @Test
    void givenAnExpiredCase_whenConfirming_thenRefusedAsExpired() {
        Refused.with(fixture.given(CaseFixtures.caseOpened(dev.casey.api.supportcase.CaseStatus.PENDING),
                        new dev.casey.api.supportcase.CaseConfirmationRequestedEvent(CASE_ID, CaseFixtures.CODE,
                                fixture.currentTime().plus(Duration.ofDays(7)), Actor.CASEY, Source.SYSTEM),
                        new CaseExpiredEvent(CASE_ID, Actor.CASEY, Source.SYSTEM))
                .when(new ConfirmCaseCommand(CASE_ID, CaseFixtures.CODE, CLIENT, Source.HTTP)),
                ErrorCode.CONFIRMATION_EXPIRED, "code");
    }

    @Test
    void givenAnOpenCase_whenIdleForCaseCloseIdle_thenItClosesItself() {
        settings.set("caseCloseIdle", "2h");
        fixture.givenCommands(openCase())
                .whenTimeElapses(Duration.ofHours(2))
                .expectEvents(new CaseClosedEvent(CASE_ID, "no activity for 2h", Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenIdleTimeNotYetOver_whenTimePasses_thenTheCaseStaysOpen() {
        settings.set("caseCloseIdle", "2h");
        fixture.givenCommands(openCase())
                .whenTimeElapses(Duration.ofMinutes(119))
                .expectNoEvents();
    }

    @Test
    void givenALongIdleTime_whenItIsShortenedAtRuntime_thenOpenCasesFollowTheNewSetting() {
        settings.set("caseCloseIdle", "30d");
        fixture.givenCommands(openCase());
        settings.set("caseCloseIdle", "3h");
        fixture.whenTimeElapses(Duration.ofHours(3))
                .expectEvents(new CaseClosedEvent(CASE_ID, "no activity for 3h", Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenIdleCloseOff_whenTimePasses_thenTheCaseStaysOpen() {
        settings.set("caseCloseIdle", "0");
        fixture.givenCommands(openCase())
                .whenTimeElapses(Duration.ofDays(400))
                .expectNoEvents();
    }

    @Test
    void givenAReopenedCase_whenTheIdleCheckOfTheFirstOpeningFires_thenOnlyTheNewOneCounts() {
        settings.set("caseCloseIdle", "2h");
        fixture.givenCommands(openCase(), new dev.casey.api.supportcase.CloseCaseCommand(CASE_ID, null, CLIENT, Source.HTTP),
                        new dev.casey.api.supportcase.ReopenCaseCommand(CASE_ID, null, CLIENT, Source.HTTP))
                .whenTimeElapses(Duration.ofHours(2))
                .expectEvents(new CaseClosedEvent(CASE_ID, "no activity for 2h", Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenInvitedMembersWhoDoNotAnswer_whenTheReminderIsDue_thenTheyAreRemindedAndTheNextOnesInvited() {
        openedWithReminder(1, "0")
                .whenTimeElapses(Duration.ofHours(4))
                .expectEvents(new TeamRemindedEvent(CASE_ID, List.of(BEN), Actor.CASEY, Source.SYSTEM),
                        new TeamInvitedEvent(CASE_ID, List.of(ANNA), Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenEveryRound_whenNobodyAnswers_thenEachRoundIsRemindedOnceUntilTheTeamIsExhausted() {
        openedWithReminder(1, "0")
                .whenTimeElapses(Duration.ofDays(2))
                .expectEvents(new TeamRemindedEvent(CASE_ID, List.of(BEN), Actor.CASEY, Source.SYSTEM),
                        new TeamInvitedEvent(CASE_ID, List.of(ANNA), Actor.CASEY, Source.SYSTEM),
                        new TeamRemindedEvent(CASE_ID, List.of(ANNA), Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenACaseIdleLongEnoughToClose_whenTheReminderIsDueAsWell_thenItClosesAndNobodyIsRemindedNorInvited() {
        openedWithReminder(1, "4h")
                .whenTimeElapses(Duration.ofHours(5))
                .expectEvents(new CaseClosedEvent(CASE_ID, "no activity for 4h", Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenAnInvitedMemberWhoChangedAddress_whenTheReminderIsDue_thenTheyAreRemindedThereAndNotInvitedAgain() {
        Participant benMoved = new Participant("ben.new@domain.tld", BEN.name(), true, BEN.personId());
        openedWithReminder(1, "0");
        roster.members = List.of(benMoved, ANNA);
        fixture.whenTimeElapses(Duration.ofHours(4))
                .expectEvents(new TeamRemindedEvent(CASE_ID, List.of(benMoved), Actor.CASEY, Source.SYSTEM),
                        new TeamInvitedEvent(CASE_ID, List.of(ANNA), Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenAnInvitedMemberWhoLeftTheTeam_whenTheReminderIsDue_thenOnlyTheNextOnesAreInvited() {
        openedWithReminder(1, "0");
        roster.members = List.of(ANNA);
        fixture.whenTimeElapses(Duration.ofHours(4))
                .expectEvents(new TeamInvitedEvent(CASE_ID, List.of(ANNA), Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenOneOfTheInvitedWhoLeftTheTeam_whenTheReminderIsDue_thenOnlyTheOthersAreReminded() {
        openedWithReminder(2, "0");
        roster.members = List.of(ANNA);
        fixture.whenTimeElapses(Duration.ofHours(4))
                .expectEvents(new TeamRemindedEvent(CASE_ID, List.of(ANNA), Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenRemindersTurnedOffAfterTheInvitation_whenTheReminderWouldBeDue_thenNobodyIsRemindedNorInvited() {
        openedWithReminder(1, "0");
        settings.set("teamInviteReminder", "0");
        fixture.whenTimeElapses(Duration.ofDays(2))
                .expectNoEvents();
    }

    @Test
    void givenARoundInvitedByAnOlderVersion_whenRemindersWereTurnedOffSince_thenNobodyIsRemindedNorInvited() {
        openedByAVersionBeforeInvitedAtWasKept();
        settings.set("teamInviteReminder", "0");
        fixture.whenTimeElapses(Duration.ofDays(2))
                .expectNoEvents();
    }

    @Test
    void givenARoundInvitedByAnOlderVersion_whenALongerReminderWasSetSince_thenItWaitsCountingFromTheInvitation() {
        openedByAVersionBeforeInvitedAtWasKept();
        settings.set("teamInviteReminder", "1d");
        fixture.whenTimeElapses(Duration.ofHours(23))
                .expectNoEvents();
        fixture.whenTimeElapses(Duration.ofHours(1))
                .expectEvents(new TeamRemindedEvent(CASE_ID, List.of(BEN), Actor.CASEY, Source.SYSTEM),
                        new TeamInvitedEvent(CASE_ID, List.of(ANNA), Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenARoundInvitedByAnOlderVersion_whenTheSettingIsUnchanged_thenItIsRemindedWhenDue() {
        openedByAVersionBeforeInvitedAtWasKept();
        fixture.whenTimeElapses(Duration.ofHours(1))
                .expectEvents(new TeamRemindedEvent(CASE_ID, List.of(BEN), Actor.CASEY, Source.SYSTEM),
                        new TeamInvitedEvent(CASE_ID, List.of(ANNA), Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenALongerReminderSetAfterTheInvitation_whenTheOldOneWouldBeDue_thenTheRoundWaitsForTheRest() {
        openedWithReminder(1, "0");
        settings.set("teamInviteReminder", "1d");
        fixture.whenTimeElapses(Duration.ofHours(23))
                .expectNoEvents();
    }

    @Test
    void givenALongerReminderSetAfterTheInvitation_whenItIsDue_thenTheRoundIsReminded() {
        openedWithReminder(1, "0");
        settings.set("teamInviteReminder", "1d");
        fixture.whenTimeElapses(Duration.ofDays(1))
                .expectEvents(new TeamRemindedEvent(CASE_ID, List.of(BEN), Actor.CASEY, Source.SYSTEM),
                        new TeamInvitedEvent(CASE_ID, List.of(ANNA), Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenAShorterReminderSetAfterTheInvitation_whenItIsDue_thenTheRoundIsRemindedWithinTheRecheck() {
        roster.members = List.of(BEN, ANNA);
        settings.set("teamInviteCount", 1);
        settings.set("teamInviteReminder", "30d");
        settings.set("caseCloseIdle", "0");
        fixture.givenCommands(openCase());
        settings.set("teamInviteReminder", "2h");
        fixture.whenTimeElapses(Duration.ofHours(2))
                .expectEvents(new TeamRemindedEvent(CASE_ID, List.of(BEN), Actor.CASEY, Source.SYSTEM),
                        new TeamInvitedEvent(CASE_ID, List.of(ANNA), Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenRemindersOffAtTheInvitation_whenTurnedOnLater_thenTheRoundIsRemindedCountingFromItsInvitation() {
        roster.members = List.of(BEN, ANNA);
        settings.set("teamInviteCount", 1);
        settings.set("teamInviteReminder", "0");
        settings.set("caseCloseIdle", "0");
        fixture.givenCommands(openCase())
                .whenTimeElapses(Duration.ofHours(3))
                .expectNoEvents();
        settings.set("teamInviteReminder", "2h");
        fixture.whenTimeElapses(Duration.ofHours(1))
                .expectEvents(new TeamRemindedEvent(CASE_ID, List.of(BEN), Actor.CASEY, Source.SYSTEM),
                        new TeamInvitedEvent(CASE_ID, List.of(ANNA), Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenATeamAnswer_whenTheReminderIsDue_thenNobodyIsReminded() {
        roster.members = List.of(BEN, ANNA);
        settings.set("teamInviteCount", 1);
        settings.set("teamInviteReminder", "4h");
        settings.set("caseCloseIdle", "0");
        fixture.givenCommands(openCase(), new PostMessageCommand(CASE_ID, UUID.randomUUID(), BEN.email(), null,
                        "On it", null, null, CLIENT, Source.HTTP))
                .whenTimeElapses(Duration.ofHours(5))
                .expectNoEvents();
    }

    @Test
    void givenAClosedCaseThatMayNotReopen_whenAMailArrives_thenItIsKeptAsRefusedAndTheAuthorTold() {
        settings.set("caseCanReopen", false);
        UUID first = UUID.randomUUID();
        fixture.given(closedCase())
                .when(mail(first, "a@mail"))
                .expectResultMessagePayload(PostOutcome.REFUSED)
                .expectEvents(refused(first, "a@mail", true));
    }

    @Test
    void givenAPoliteReplyToday_whenTheAuthorWritesAgain_thenTheyAreNotToldAgainAndThatIsOnRecord() {
        settings.set("caseCanReopen", false);
        UUID second = UUID.randomUUID();
        fixture.given(closedCase()).andGiven(refused(UUID.randomUUID(), "a@mail", true))
                .andGivenCurrentTime(fixture.currentTime().plus(Duration.ofHours(23)))
                .when(mail(second, "b@mail"))
                .expectResultMessagePayload(PostOutcome.REFUSED)
                .expectEvents(refused(second, "b@mail", false), new MailWithheldEvent(CASE_ID, CUSTOMER.email(),
                        "the author was told today already that this case is closed", Actor.CASEY, Source.SYSTEM));
    }

    @Test
    void givenAPoliteReplyYesterday_whenTheAuthorWritesAgain_thenTheyAreToldAgain() {
        settings.set("caseCanReopen", false);
        UUID second = UUID.randomUUID();
        fixture.given(closedCase()).andGiven(refused(UUID.randomUUID(), "a@mail", true))
                .andGivenCurrentTime(fixture.currentTime().plus(Duration.ofHours(25)))
                .when(mail(second, "b@mail"))
                .expectEvents(refused(second, "b@mail", true));
    }

    @Test
    void givenAClosedCaseThatMayNotReopen_whenPostedOverHttp_thenTheCallerIsRefused() {
        settings.set("caseCanReopen", false);
        Refused.with(fixture.given(closedCase()).when(reply(UUID.randomUUID(), "reopen")), ErrorCode.CASE_CLOSED, null);
    }

    private static List<Object> closedCase() {
        return List.of(CaseFixtures.caseOpened(dev.casey.api.supportcase.CaseStatus.OPEN), CaseFixtures.firstMessage(),
                new CaseClosedEvent(CASE_ID, null, CLIENT, Source.HTTP));
    }

    private static MessageRefusedEvent refused(UUID id, String mailMessageId, boolean politeReply) {
        return new MessageRefusedEvent(CASE_ID, id, CUSTOMER, "please reopen", "the case is closed and caseCanReopen is off",
                mailMessageId, politeReply, CLIENT, Source.MAIL);
    }

    @Test
    void givenCaseSendInitialOff_whenOpened_thenTheWithheldCopyIsOnRecord() {
        settings.set("caseSendInitial", false);
        fixture.givenNoPriorActivity()
                .when(openCase())
                .expectEventsMatching(org.axonframework.test.matchers.Matchers.payloadsMatching(
                        org.axonframework.test.matchers.Matchers.exactSequenceOf(
                                org.axonframework.test.matchers.Matchers.matches((Object p) -> true),
                                org.axonframework.test.matchers.Matchers.matches((Object p) -> true),
                                org.axonframework.test.matchers.Matchers.matches((Object p) -> p.equals(
                                        new MailWithheldEvent(CASE_ID, CUSTOMER.email(),
                                                "caseSendInitial is off: the creator gets no copy of their first message",
                                                Actor.CASEY, Source.SYSTEM))),
                                org.axonframework.test.matchers.Matchers.andNoMore())));
    }

    private static PostMessageCommand reply(UUID id, String body) {
        return new PostMessageCommand(CASE_ID, id, CUSTOMER.email(), null, body, null, null, CLIENT, Source.HTTP);
    }

    private static PostMessageCommand mail(UUID id, String mailMessageId) {
        return new PostMessageCommand(CASE_ID, id, CUSTOMER.email(), null, "please reopen", mailMessageId, null, CLIENT,
                Source.MAIL);
    }

    /**
     * Ben invited to a new case with a reminder after 1 h, the reminder as versions before {@code invitedAt} was kept
     * left it in the store: due when the setting said at the invitation (1 h is also when the current version first
     * looks), without {@code invitedAt} (null once deserialised). Reminders scheduled later are the current version's.
     */
    private void openedByAVersionBeforeInvitedAtWasKept() {
        AtomicBoolean first = new AtomicBoolean(true);
        fixture.registerDeadlineDispatchInterceptor(new MessageDispatchInterceptor<DeadlineMessage<?>>() {
            @Override
            public BiFunction<Integer, DeadlineMessage<?>, DeadlineMessage<?>> handle(
                    List<? extends DeadlineMessage<?>> messages) {
                return (index, m) -> m.getPayload() instanceof CaseDeadlines.TeamReminder r && first.getAndSet(false)
                        ? new GenericDeadlineMessage<>(m.getDeadlineName(), m.getIdentifier(),
                                new CaseDeadlines.TeamReminder(r.round(), r.due(), null), m.getMetaData(), m.getTimestamp())
                        : m;
            }
        });
        roster.members = List.of(BEN, ANNA);
        settings.set("teamInviteCount", 1);
        settings.set("teamInviteReminder", "1h");
        settings.set("caseCloseIdle", "0");
        fixture.givenCommands(openCase());
    }

    /** Ben and Anna in the team, {@code invited} of them invited to a new case with a reminder after 4 h. */
    private TestExecutor<SupportCase> openedWithReminder(int invited, String closeIdle) {
        roster.members = List.of(BEN, ANNA);
        settings.set("teamInviteCount", invited);
        settings.set("teamInviteReminder", "4h");
        settings.set("caseCloseIdle", closeIdle);
        return fixture.givenCommands(openCase());
    }
}
