package dev.casey.command.supportcase;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import dev.casey.api.common.Actor;
import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.EmailAddresses;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.common.Source;
import dev.casey.api.settings.Durations;
import dev.casey.api.settings.Setting;
import dev.casey.api.settings.Settings;
import dev.casey.api.supportcase.AttachmentRef;
import dev.casey.api.supportcase.AutomaticReplyReceivedEvent;
import dev.casey.api.supportcase.CaseCategoryChangedEvent;
import dev.casey.api.supportcase.CaseClosedEvent;
import dev.casey.api.supportcase.CaseConfirmationRequestedEvent;
import dev.casey.api.supportcase.CaseConfirmedEvent;
import dev.casey.api.supportcase.CaseExpiredEvent;
import dev.casey.api.supportcase.CaseLimits;
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
import dev.casey.api.supportcase.MailWithheldEvent;
import dev.casey.api.supportcase.MessageRefusedEvent;
import dev.casey.api.supportcase.MessagePostedEvent;
import dev.casey.api.supportcase.OpenCaseCommand;
import dev.casey.api.supportcase.Participant;
import dev.casey.api.supportcase.ParticipantAddedEvent;
import dev.casey.api.supportcase.PostMessageCommand;
import dev.casey.api.supportcase.PostOutcome;
import dev.casey.api.supportcase.RecordAutomaticReplyCommand;
import dev.casey.api.supportcase.RecordMailBounceCommand;
import dev.casey.api.supportcase.RecordMailDeliveryFailureCommand;
import dev.casey.api.supportcase.RecordMailHeldBackCommand;
import dev.casey.api.supportcase.ReopenCaseCommand;
import dev.casey.api.supportcase.TeamInvitedEvent;
import dev.casey.api.supportcase.TeamRemindedEvent;
import dev.casey.api.supportcase.UpdateCaseDetailsCommand;
import dev.casey.command.Refusals;
import dev.casey.command.person.PersonDirectory;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.serialization.Revision;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * A support case: who takes part, whether it is pending, open or closed, which messages it has
 * already seen, and its timers (confirmation expiry, idle close, team reminders). Decides every
 * change to a case, and every decision not to write to someone; the read side and the mail gateway
 * only follow.
 */
@Aggregate(snapshotTriggerDefinition = CaseSnapshots.TRIGGER, cache = CaseCache.BEAN)
@Revision(CaseSnapshots.REVISION)
// snapshots hold the decision state as it is, fields and nothing else
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
class SupportCase implements CachedFootprint {

    static final int MAX_SUBJECT_LENGTH = CaseLimits.MAX_SUBJECT_LENGTH;
    static final int MAX_MESSAGE_LENGTH = CaseLimits.MAX_MESSAGE_LENGTH;
    static final int MAX_REASON_LENGTH = 1_000;
    static final int MAX_CATEGORY_LENGTH = 100;
    static final Duration POLITE_REPLY_INTERVAL = Duration.ofDays(1);

    // no final fields: a snapshot is restored into them (Jackson 3 does not write final fields)
    @AggregateIdentifier
    private UUID caseId;
    private CaseStatus status;
    private String confirmationCode;
    private Instant confirmationExpiresAt;
    private String category;
    private List<String> tags;
    private Map<String, String> meta;
    private Map<String, Participant> participants = new LinkedHashMap<>();
    private Set<UUID> messageIds = new HashSet<>();
    private Set<String> mailMessageIds = new HashSet<>();
    /**
     * Mails held back (by a rate limit) and recorded as such once; not among {@link #mailMessageIds}: an operator who
     * releases one has it posted.
     */
    private Set<String> heldBackMailIds = new HashSet<>();
    private Instant lastActivity;
    /** How often the case was opened (1, and one more for each reopening): the generation of its idle checks. */
    private int openings;
    private int inviteRound;
    private List<Participant> lastInvited = List.of();
    /** When the current round was invited: reminders scheduled by versions that did not carry it count from here. */
    private Instant lastInvitedAt;
    private Set<String> invited = new HashSet<>();
    /** Who was invited, by person: one who changed address since is no next one to invite. */
    private Set<UUID> invitedPersons = new HashSet<>();
    private boolean teamAnswered;
    private Map<String, Instant> politeRepliesSent = new HashMap<>();

    SupportCase() {
        // for event sourcing
    }

    /**
     * Measured by bench CaseMemory: 1,330 bytes for a case of one message, 145 more per message when every second
     * came in by mail (a message id about 70 bytes, a mail's Message-ID about 150).
     */
    @Override
    public long estimatedBytes() {
        return 1_000 + 200L * participants.size() + 72L * messageIds.size()
                + 150L * (mailMessageIds.size() + heldBackMailIds.size())
                + 100L * (invited.size() + politeRepliesSent.size()) + 72L * invitedPersons.size();
    }

    @CommandHandler
    SupportCase(OpenCaseCommand command, CaseKeys keys, CaseRules rules, PersonDirectory directory,
                TeamRoster roster, DeadlineManager deadlines) {
        String subject = Refusals.requireLine(command.subject(), "subject", MAX_SUBJECT_LENGTH);
        String body = Refusals.requireText(command.message(), "message", MAX_MESSAGE_LENGTH);
        var settings = rules.settings();
        String email = Refusals.requireParticipantEmail(command.creatorEmail(), "creator.email", settings.mailAddress());
        String category = CaseDetails.category(command.category());
        List<String> tags = command.tags() == null ? List.of() : CaseDetails.tags(command.tags());
        Map<String, String> meta = command.meta() == null ? Map.of() : CaseDetails.meta(command.meta());
        Participant creator = participantFor(email, command.creatorName(), "creator.name", directory);
        CaseStatus status = settings.caseConfirmation() ? CaseStatus.PENDING : CaseStatus.OPEN;

        apply(new CaseOpenedEvent(command.caseId(), keys.newReference(command.caseId()), subject, creator,
                category, tags, meta, status, command.actor(), command.source()));
        if (status == CaseStatus.PENDING) {
            Instant expiresAt = now().plus(settings.caseConfirmationExpiry());
            apply(new CaseConfirmationRequestedEvent(command.caseId(), keys.newConfirmationCode(command.caseId()),
                    expiresAt, Actor.CASEY, Source.SYSTEM));
            deadlines.schedule(expiresAt, CaseDeadlines.CONFIRMATION_EXPIRY);
        }
        apply(new MessagePostedEvent(command.caseId(), command.messageId(), creator, body, true,
                command.mailMessageId(), attachments(command.attachments()), command.actor(), command.source()));
        if (status == CaseStatus.OPEN) {
            // state is not applied yet inside a creating handler: pass what the opening needs
            opened(command.caseId(), creator, Set.of(EmailAddresses.key(creator.email())), Set.of(), 1, 1, settings,
                    roster, deadlines);
        }
    }

    @CommandHandler
    void handle(ConfirmCaseCommand command, CaseRules rules, TeamRoster roster, DeadlineManager deadlines) {
        requireConfirmable("code");
        if (confirmationCode == null || command.code() == null || !MessageDigest.isEqual(
                confirmationCode.getBytes(StandardCharsets.UTF_8), command.code().getBytes(StandardCharsets.UTF_8))) {
            throw new CaseyRefusal(ErrorCode.CONFIRMATION_CODE_INVALID, "the confirmation code is not valid", "code");
        }
        confirmed(command.actor(), command.source(), "code", rules, roster, deadlines);
    }

    @CommandHandler
    void handle(ConfirmCaseByReplyCommand command, CaseRules rules, TeamRoster roster, DeadlineManager deadlines) {
        if (status != CaseStatus.PENDING) {
            return; // confirmed already, or past confirming: the message the reply brings decides
        }
        Participant creator = participants.values().iterator().next();
        if (command.from() == null || !EmailAddresses.key(command.from()).equals(EmailAddresses.key(creator.email()))) {
            throw new CaseyRefusal(ErrorCode.CASE_PENDING, "this case awaits its creator's confirmation", "from");
        }
        confirmed(command.actor(), command.source(), "from", rules, roster, deadlines);
    }

    private void requireConfirmable(String field) {
        if (status == CaseStatus.EXPIRED) {
            throw new CaseyRefusal(ErrorCode.CONFIRMATION_EXPIRED, "the confirmation code has expired", field);
        }
        if (closedUnconfirmed()) {
            throw new CaseyRefusal(ErrorCode.CASE_CLOSED, "this case was closed before it was confirmed");
        }
        if (status != CaseStatus.PENDING) {
            throw new CaseyRefusal(ErrorCode.ALREADY_CONFIRMED, "this case was confirmed already");
        }
    }

    private void confirmed(Actor actor, Source source, String field, CaseRules rules, TeamRoster roster,
                           DeadlineManager deadlines) {
        if (!now().isBefore(confirmationExpiresAt)) {
            throw new CaseyRefusal(ErrorCode.CONFIRMATION_EXPIRED, "the confirmation code has expired", field);
        }
        apply(new CaseConfirmedEvent(caseId, actor, source));
        opened(caseId, participants.values().iterator().next(), participants.keySet(), invitedPersons, openings,
                inviteRound + 1, rules.settings(), roster, deadlines);
    }

    /**
     * A case is open (at once, or once its creator confirmed it): the creator's copy of their first
     * message, the team's invitations, and the timers of an open case.
     */
    private static void opened(UUID caseId, Participant creator, Set<String> participantKeys, Set<UUID> invitedPersons,
                               int opening, int round, Settings settings, TeamRoster roster, DeadlineManager deadlines) {
        if (!settings.bool(Setting.CASE_SEND_INITIAL)) {
            apply(new MailWithheldEvent(caseId, creator.email(),
                    "caseSendInitial is off: the creator gets no copy of their first message", Actor.CASEY, Source.SYSTEM));
        }
        inviteTeam(caseId, participantKeys, invitedPersons, round, now(), settings, roster, deadlines);
        scheduleIdleCheck(opening, now(), now(), settings, deadlines);
    }

    /** Invites the next team members and, when someone was invited, sets the look at this round's reminder. */
    private static boolean inviteTeam(UUID caseId, Set<String> excludedKeys, Set<UUID> excludedPersons, int round,
                                      Instant now, Settings settings, TeamRoster roster, DeadlineManager deadlines) {
        List<Participant> chosen = roster.invite(settings.integer(Setting.TEAM_INVITE_COUNT), Set.copyOf(excludedKeys),
                Set.copyOf(excludedPersons));
        if (chosen.isEmpty()) {
            return false;
        }
        apply(new TeamInvitedEvent(caseId, chosen, Actor.CASEY, Source.SYSTEM));
        // also with reminders off: turned on later, they apply to this round too (it looks again hourly)
        scheduleReminder(round, now, now, settings, deadlines);
        return true;
    }

    /**
     * The next look at a round's reminder: when it would be due, but at the latest after {@link CaseDeadlines#RECHECK},
     * so that a {@code teamInviteReminder} changed at runtime applies to rounds already invited.
     */
    private static void scheduleReminder(int round, Instant invitedAt, Instant now, Settings settings,
                                         DeadlineManager deadlines) {
        Instant recheck = now.plus(CaseDeadlines.RECHECK);
        Instant remindAt = settings.duration(Setting.TEAM_INVITE_REMINDER).map(invitedAt::plus).orElse(recheck);
        Instant next = remindAt.isBefore(recheck) ? remindAt : recheck;
        deadlines.schedule(next, CaseDeadlines.TEAM_REMINDER, new CaseDeadlines.TeamReminder(round, next, invitedAt));
    }

    /** The next idle check: when the case would be idle long enough, but at the latest after {@link CaseDeadlines#RECHECK}. */
    private static void scheduleIdleCheck(int opening, Instant lastActivity, Instant now, Settings settings,
                                          DeadlineManager deadlines) {
        Instant recheck = now.plus(CaseDeadlines.RECHECK);
        Instant idleAt = settings.duration(Setting.CASE_CLOSE_IDLE).map(lastActivity::plus).orElse(recheck);
        Instant next = idleAt.isBefore(recheck) ? idleAt : recheck;
        deadlines.schedule(next, CaseDeadlines.IDLE_CHECK, new CaseDeadlines.IdleCheck(opening, next));
    }

    @DeadlineHandler(deadlineName = CaseDeadlines.CONFIRMATION_EXPIRY)
    void confirmationExpired() {
        if (status == CaseStatus.PENDING) {
            apply(new CaseExpiredEvent(caseId, Actor.CASEY, Source.SYSTEM));
        }
    }

    @DeadlineHandler(deadlineName = CaseDeadlines.IDLE_CHECK)
    void idleCheck(CaseDeadlines.IdleCheck check, CaseRules rules, DeadlineManager deadlines) {
        if (status != CaseStatus.OPEN || check.opening() != openings) {
            return; // closed meanwhile, or a check of an earlier opening
        }
        Settings settings = rules.settings();
        Instant now = CaseDeadlines.handledAt(now(), check.due());
        Optional<Duration> idle = settings.duration(Setting.CASE_CLOSE_IDLE);
        if (idle.isPresent() && !now.isBefore(lastActivity.plus(idle.get()))) {
            apply(new CaseClosedEvent(caseId, "no activity for " + Durations.describe(idle.get()), Actor.CASEY,
                    Source.SYSTEM));
            return;
        }
        scheduleIdleCheck(openings, lastActivity, now, settings, deadlines);
    }

    @DeadlineHandler(deadlineName = CaseDeadlines.TEAM_REMINDER)
    void teamReminder(CaseDeadlines.TeamReminder reminder, CaseRules rules, TeamRoster roster,
                      DeadlineManager deadlines) {
        if (teamAnswered || status != CaseStatus.OPEN || reminder.round() != inviteRound) {
            return; // the team answered, the case is closed, or a later round is on
        }
        Settings settings = rules.settings();
        Instant now = CaseDeadlines.handledAt(now(), reminder.due());
        Optional<Duration> after = settings.duration(Setting.TEAM_INVITE_REMINDER);
        // a reminder scheduled before the payload carried invitedAt (an upgraded store) would otherwise remind on its
        // old schedule whatever the setting says now
        Instant invitedAt = reminder.invitedAt() != null ? reminder.invitedAt() : lastInvitedAt;
        // the setting may have changed since the round was invited
        if (invitedAt != null && (after.isEmpty() || now.isBefore(invitedAt.plus(after.get())))) {
            scheduleReminder(inviteRound, invitedAt, now, settings, deadlines);
            return; // reminders are off for now, or were lengthened since this round was invited
        }
        Optional<Duration> idle = settings.duration(Setting.CASE_CLOSE_IDLE);
        if (idle.isPresent() && !now.isBefore(lastActivity.plus(idle.get()))) {
            // its idle check, due as well (both overdue after a restart, say), closes it: nobody is to take it up now;
            // should the case stay open after all, the round is looked at again later
            deadlines.schedule(now.plus(CaseDeadlines.RECHECK), CaseDeadlines.TEAM_REMINDER,
                    new CaseDeadlines.TeamReminder(inviteRound, now.plus(CaseDeadlines.RECHECK), invitedAt));
            return;
        }
        // whoever retired or left the team since the invitation has no case to be reminded of
        List<Participant> stillInTeam = roster.stillInTeam(lastInvited);
        if (!stillInTeam.isEmpty()) {
            apply(new TeamRemindedEvent(caseId, stillInTeam, Actor.CASEY, Source.SYSTEM));
        }
        Set<String> excluded = new HashSet<>(participants.keySet());
        excluded.addAll(invited);
        inviteTeam(caseId, excluded, invitedPersons, inviteRound + 1, now, settings, roster, deadlines);
    }

    @CommandHandler
    PostOutcome handle(PostMessageCommand command, CaseRules rules, PersonDirectory directory,
                       DeadlineManager deadlines) {
        if (messageIds.contains(command.messageId())
                || (command.mailMessageId() != null && mailMessageIds.contains(command.mailMessageId()))) {
            return PostOutcome.REPEATED; // the same message again (a retried request, a mail fetched twice): recorded once
        }
        String body = Refusals.requireText(command.body(), "message", MAX_MESSAGE_LENGTH);
        Settings settings = rules.settings();
        String email = Refusals.requireParticipantEmail(command.fromEmail(), "from", settings.mailAddress());
        if (command.source() != Source.MAIL) {
            requireConfirmed();
        }
        Participant author = participants.get(EmailAddresses.key(email));
        if (author == null) {
            PersonDirectory.Entry known = directory.findByEmail(email)
                    .filter(PersonDirectory.Entry::activeTeamMember)
                    .orElseThrow(() -> new CaseyRefusal(ErrorCode.NOT_A_PARTICIPANT,
                            email + " takes no part in this case", "from"));
            author = new Participant(known.email(), known.name(), true, known.personId());
        }
        // a mail is kept in the case's history as refused, as by a closed case: it would be lost otherwise
        if (status == CaseStatus.PENDING) {
            apply(new MessageRefusedEvent(caseId, command.messageId(), author, body,
                    "the case awaits its creator's confirmation", command.mailMessageId(), false, command.actor(),
                    command.source()));
            return PostOutcome.REFUSED; // no answer: the confirmation mail is out, and the case is not closed
        }
        if (status == CaseStatus.EXPIRED) {
            return refuse(command, author, body, "the case was never confirmed and has expired");
        }
        if (status == CaseStatus.CLOSED) {
            if (closedUnconfirmed()) {
                return refuse(command, author, body, "the case was closed before its creator confirmed it");
            }
            if (!settings.caseCanReopen()) {
                return refuse(command, author, body, "the case is closed and caseCanReopen is off");
            }
            apply(new CaseReopenedEvent(caseId, "a message arrived", command.actor(), command.source()));
            scheduleIdleCheck(openings, now(), now(), settings, deadlines);
        }
        if (!participants.containsKey(EmailAddresses.key(author.email()))) {
            apply(new ParticipantAddedEvent(caseId, author, command.actor(), command.source()));
        }
        apply(new MessagePostedEvent(caseId, command.messageId(), author, body, false, command.mailMessageId(),
                attachments(command.attachments()), command.actor(), command.source()));
        if (!settings.bool(Setting.CASE_SEND_COPY)) {
            apply(new MailWithheldEvent(caseId, author.email(),
                    "caseSendCopy is off: the author gets no copy of their own message", Actor.CASEY, Source.SYSTEM));
        }
        return PostOutcome.POSTED;
    }

    private void requireConfirmed() {
        if (status == CaseStatus.PENDING) {
            throw new CaseyRefusal(ErrorCode.CASE_PENDING, "this case awaits its creator's confirmation");
        }
        if (status == CaseStatus.EXPIRED) {
            throw new CaseyRefusal(ErrorCode.CASE_EXPIRED, "this case was never confirmed and has expired");
        }
    }

    /**
     * A closed case that may not be reopened: a mail is kept as refused, and its author is told so
     * at most once a day; over HTTP the caller is told at once.
     */
    private PostOutcome refuse(PostMessageCommand command, Participant author, String body, String reason) {
        if (command.source() != Source.MAIL) {
            throw new CaseyRefusal(ErrorCode.CASE_CLOSED, "this case is closed and cannot be reopened by a message");
        }
        Instant lastReply = politeRepliesSent.get(EmailAddresses.key(author.email()));
        boolean politeReply = lastReply == null || !now().isBefore(lastReply.plus(POLITE_REPLY_INTERVAL));
        apply(new MessageRefusedEvent(caseId, command.messageId(), author, body, reason, command.mailMessageId(),
                politeReply, command.actor(), command.source()));
        if (!politeReply) {
            apply(new MailWithheldEvent(caseId, author.email(),
                    "the author was told today already that this case is closed", Actor.CASEY, Source.SYSTEM));
        }
        return PostOutcome.REFUSED;
    }

    /** Closed while it awaited its creator's confirmation: the code is dropped only when the case is confirmed. */
    private boolean closedUnconfirmed() {
        return status == CaseStatus.CLOSED && confirmationCode != null;
    }

    @CommandHandler
    void handle(CloseCaseCommand command) {
        if (status == CaseStatus.EXPIRED) {
            throw new CaseyRefusal(ErrorCode.CASE_EXPIRED, "this case was never confirmed and has expired");
        }
        if (status == CaseStatus.CLOSED) {
            throw new CaseyRefusal(ErrorCode.CASE_ALREADY_CLOSED, "this case is closed already");
        }
        apply(new CaseClosedEvent(caseId, reason(command.reason()), command.actor(), command.source()));
    }

    @CommandHandler
    void handle(ReopenCaseCommand command, CaseRules rules, DeadlineManager deadlines) {
        if (status != CaseStatus.CLOSED) {
            throw new CaseyRefusal(ErrorCode.CASE_NOT_CLOSED, "only a closed case can be reopened");
        }
        if (closedUnconfirmed()) {
            // reopened it would be open without the team ever having been invited
            throw new CaseyRefusal(ErrorCode.CASE_NEVER_CONFIRMED,
                    "this case was closed before its creator confirmed it and cannot be reopened");
        }
        apply(new CaseReopenedEvent(caseId, reason(command.reason()), command.actor(), command.source()));
        scheduleIdleCheck(openings, now(), now(), rules.settings(), deadlines);
    }

    /** Why a case is closed or reopened, if said: it goes into the participants' mail (shown up to 500 characters). */
    private static String reason(String reason) {
        return reason == null ? null : Refusals.requireText(reason, "reason", MAX_REASON_LENGTH);
    }

    @CommandHandler
    void handle(UpdateCaseDetailsCommand command) {
        String newCategory = command.category() == null ? category : CaseDetails.category(command.category());
        List<String> newTags = command.tags() == null ? tags : CaseDetails.tags(command.tags());
        Map<String, String> newMeta = command.meta() == null ? meta : CaseDetails.meta(command.meta());
        if (!Objects.equals(newCategory, category)) {
            apply(new CaseCategoryChangedEvent(caseId, newCategory, command.actor(), command.source()));
        }
        if (!newTags.equals(tags)) {
            apply(new CaseTagsChangedEvent(caseId, newTags, command.actor(), command.source()));
        }
        if (!newMeta.equals(meta)) {
            apply(new CaseMetaChangedEvent(caseId, newMeta, command.actor(), command.source()));
        }
    }

    @CommandHandler
    void handle(RecordAutomaticReplyCommand command) {
        if (command.mailMessageId() != null && mailMessageIds.contains(command.mailMessageId())) {
            return;
        }
        apply(new AutomaticReplyReceivedEvent(caseId, command.from(), command.subject(), command.reason(),
                command.mailMessageId(), command.actor(), command.source()));
    }

    @CommandHandler
    void handle(RecordMailHeldBackCommand command) {
        if (command.mailMessageId() != null && (mailMessageIds.contains(command.mailMessageId())
                || heldBackMailIds.contains(command.mailMessageId()))) {
            return;
        }
        apply(new MailHeldBackEvent(caseId, command.from(), command.subject(), command.reason(),
                command.mailMessageId(), command.actor(), command.source()));
    }

    @CommandHandler
    void handle(RecordMailBounceCommand command) {
        apply(new MailBouncedEvent(caseId, command.recipient(), command.mailMessageId(), command.diagnostic(),
                command.actor(), command.source()));
    }

    @CommandHandler
    void handle(RecordMailDeliveryFailureCommand command) {
        apply(new MailDeliveryFailedEvent(caseId, command.recipient(), command.mailMessageId(), command.reason(),
                command.actor(), command.source()));
    }

    private static List<AttachmentRef> attachments(List<AttachmentRef> attachments) {
        return attachments == null ? List.of() : List.copyOf(attachments);
    }

    private static Participant participantFor(String email, String name, String nameField, PersonDirectory directory) {
        return directory.findByEmail(email)
                .map(known -> new Participant(known.email(), name == null || name.isBlank() ? known.name()
                        : Refusals.requireName(name, nameField), known.activeTeamMember(), known.personId()))
                .orElseGet(() -> new Participant(email, Refusals.requireName(name, nameField), false, null));
    }

    private static Instant now() {
        return GenericEventMessage.clock.instant();
    }

    @EventSourcingHandler
    void on(CaseOpenedEvent event, @Timestamp Instant at) {
        caseId = event.caseId();
        status = event.status();
        lastActivity = at;
        openings = 1;
        category = event.category();
        tags = event.tags();
        meta = event.meta();
        participants.put(EmailAddresses.key(event.creator().email()), event.creator());
    }

    @EventSourcingHandler
    void on(CaseConfirmationRequestedEvent event) {
        confirmationCode = event.code();
        confirmationExpiresAt = event.expiresAt();
    }

    @EventSourcingHandler
    void on(CaseConfirmedEvent event, @Timestamp Instant at) {
        status = CaseStatus.OPEN;
        confirmationCode = null;
        lastActivity = at;
    }

    @EventSourcingHandler
    void on(CaseExpiredEvent event) {
        status = CaseStatus.EXPIRED;
        confirmationCode = null;
    }

    @EventSourcingHandler
    void on(TeamInvitedEvent event, @Timestamp Instant at) {
        inviteRound++;
        lastInvited = event.invited();
        lastInvitedAt = at;
        event.invited().forEach(p -> {
            invited.add(EmailAddresses.key(p.email()));
            if (p.personId() != null) {
                invitedPersons.add(p.personId());
            }
        });
    }

    @EventSourcingHandler
    void on(MessageRefusedEvent event, @Timestamp Instant at) {
        messageIds.add(event.messageId());
        if (event.mailMessageId() != null) {
            mailMessageIds.add(event.mailMessageId());
        }
        if (event.politeReply()) {
            politeRepliesSent.put(EmailAddresses.key(event.author().email()), at);
        }
    }

    @EventSourcingHandler
    void on(MailHeldBackEvent event) {
        if (event.mailMessageId() != null) {
            heldBackMailIds.add(event.mailMessageId());
        }
    }

    @EventSourcingHandler
    void on(AutomaticReplyReceivedEvent event) {
        if (event.mailMessageId() != null) {
            mailMessageIds.add(event.mailMessageId());
        }
    }

    @EventSourcingHandler
    void on(ParticipantAddedEvent event) {
        participants.put(EmailAddresses.key(event.participant().email()), event.participant());
    }

    @EventSourcingHandler
    void on(MessagePostedEvent event, @Timestamp Instant at) {
        lastActivity = at;
        teamAnswered |= event.author().team() && inviteRound > 0;
        messageIds.add(event.messageId());
        if (event.mailMessageId() != null) {
            mailMessageIds.add(event.mailMessageId());
        }
    }

    @EventSourcingHandler
    void on(CaseClosedEvent event) {
        status = CaseStatus.CLOSED;
    }

    @EventSourcingHandler
    void on(CaseReopenedEvent event, @Timestamp Instant at) {
        status = CaseStatus.OPEN;
        lastActivity = at;
        openings++;
    }

    @EventSourcingHandler
    void on(CaseCategoryChangedEvent event) {
        category = event.category();
    }

    @EventSourcingHandler
    void on(CaseTagsChangedEvent event) {
        tags = event.tags();
    }

    @EventSourcingHandler
    void on(CaseMetaChangedEvent event) {
        meta = event.meta();
    }
}
