package dev.casey.mailgateway.outbox;

import dev.casey.api.person.PersonRegisteredEvent;
import dev.casey.api.person.PersonRetiredFromTeamEvent;
import dev.casey.api.person.PersonUpdatedEvent;
import dev.casey.api.settings.Setting;
import dev.casey.api.settings.Settings;
import dev.casey.api.supportcase.CaseClosedEvent;
import dev.casey.api.supportcase.CaseConfirmationRequestedEvent;
import dev.casey.api.supportcase.CaseConfirmedEvent;
import dev.casey.api.supportcase.CaseExpiredEvent;
import dev.casey.api.supportcase.CaseOpenedEvent;
import dev.casey.api.supportcase.CaseReopenedEvent;
import dev.casey.api.supportcase.CaseStatus;
import dev.casey.api.supportcase.MessagePostedEvent;
import dev.casey.api.supportcase.MessageRefusedEvent;
import dev.casey.api.supportcase.Participant;
import dev.casey.api.supportcase.ParticipantAddedEvent;
import dev.casey.api.supportcase.TeamInvitedEvent;
import dev.casey.api.supportcase.TeamRemindedEvent;
import dev.casey.api.common.Actor;
import dev.casey.api.common.EmailAddresses;
import dev.casey.api.common.Source;
import dev.casey.mailgateway.MailSettings;
import dev.casey.mailgateway.ProcessingGroups;
import dev.casey.mailgateway.cases.MailDirectory;
import dev.casey.mailgateway.outbound.MailKind;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.springframework.stereotype.Component;

/**
 * Who gets which mail. The creator gets the first message back (with the reference) when
 * {@code caseSendInitial}; invited team members get the new case; every later message goes to all
 * who take part or were invited, except its author, who gets a copy only with {@code caseSendCopy}.
 * A pending case first sends its creator the confirmation mail and nothing else. Invited team members
 * who have not answered are reminded; a case closed for idleness tells everyone; a mail refused by
 * a closed case gets its author one polite answer a day.
 */
@Component
@ProcessingGroup(ProcessingGroups.MAIL)
class CaseMail {

    /** The cases read in a unit of work ({@link #kase}). */
    private static final String CASES = CaseMail.class.getName() + ".cases";
    /** The first messages of cases posted or read in a unit of work ({@link #firstMessage}). */
    private static final String FIRST_MESSAGES = CaseMail.class.getName() + ".firstMessages";

    private final MailDirectory directory;
    private final MailPlanner planner;
    private final MailSettings settings;
    private final EventStore events;

    CaseMail(MailDirectory directory, MailPlanner planner, MailSettings settings, EventStore events) {
        this.directory = directory;
        this.planner = planner;
        this.settings = settings;
        this.events = events;
    }

    @EventHandler
    void on(PersonRegisteredEvent event) {
        directory.teamMember(event.personId(), event.email(), event.name(), event.team());
    }

    @EventHandler
    void on(PersonUpdatedEvent event) {
        directory.teamMember(event.personId(), event.email(), event.name(), event.team());
    }

    @EventHandler
    void on(PersonRetiredFromTeamEvent event) {
        directory.teamMemberLeft(event.personId());
    }

    @EventHandler
    void on(CaseOpenedEvent event) {
        directory.caseOpened(event.caseId(), event.reference(), event.subject(), event.status(), event.creator());
    }

    @EventHandler
    void on(ParticipantAddedEvent event) {
        directory.tookPart(event.caseId(), event.participant());
    }

    @EventHandler
    void on(CaseConfirmationRequestedEvent event, EventMessage<?> message, @Timestamp Instant at) {
        MailDirectory.CaseInfo kase = kase(event.caseId());
        planner.write(kase, directory.creator(event.caseId()), new MailPlanner.Letter(MailKind.CONFIRMATION_REQUEST, null, event.code(), null),
                message.getIdentifier(), at);
    }

    @EventHandler
    void on(CaseConfirmedEvent event, EventMessage<?> message, @Timestamp Instant at) {
        statusChanged(event.caseId(), CaseStatus.OPEN);
        sendInitialToCreator(event.caseId(), () -> openedByMail(event.caseId()), message.getIdentifier(), at);
    }

    @EventHandler
    void on(MessagePostedEvent event, EventMessage<?> message, @Timestamp Instant at) {
        MailDirectory.Posting posting = directory.messagePosted(event.caseId(), event.messageId(), event.author(),
                event.body(), at, event.mailMessageId(), event.attachments(), MailPlanner.QUOTED_MESSAGES);
        MailDirectory.PostedMessage posted = posting.message();
        if (posting.kase() != null) {
            cases().put(event.caseId(), posting.kase());
            planner.quoting(event.caseId(), posted.postedAt(), posting.before());
        }
        MailDirectory.CaseInfo kase = kase(event.caseId());
        if (event.initial()) {
            firstMessages().put(event.caseId(), posted);
            if (kase.status() == CaseStatus.OPEN) {
                // the first message came as the case did
                sendInitialToCreator(event.caseId(), () -> event.source() == Source.MAIL, message.getIdentifier(), at);
            }
            return;
        }
        Settings current = settings.current();
        // the author's own copy: the case decided it (and put a MailWithheldEvent on record when off)
        String author = EmailAddresses.key(event.author().email());
        // a team member's mail goes to their current address, and they may have written from a former one
        String authorNow = !event.author().team() ? author
                : EmailAddresses.key(planner.team().addressNow(event.author()));
        Map<MailDirectory.Recipient, MailPlanner.Letter> letters = new LinkedHashMap<>();
        for (MailDirectory.Recipient recipient : directory.recipients(event.caseId())) {
            String to = EmailAddresses.key(recipient.email());
            if (!to.equals(author) && !to.equals(authorNow)) {
                letters.put(recipient, MailPlanner.Letter.about(MailKind.MESSAGE, posted));
            } else if (current.bool(Setting.CASE_SEND_COPY)) {
                letters.put(recipient, MailPlanner.Letter.ownCopy(posted));
            }
        }
        planner.write(kase, letters, message.getIdentifier(), at);
    }

    @EventHandler
    void on(TeamInvitedEvent event, EventMessage<?> message, @Timestamp Instant at) {
        for (Participant invited : event.invited()) {
            directory.invited(event.caseId(), invited);
        }
        writeToTeam(event.caseId(), event.invited(), MailKind.NEW_CASE, message.getIdentifier(), at);
    }

    @EventHandler
    void on(TeamRemindedEvent event, EventMessage<?> message, @Timestamp Instant at) {
        writeToTeam(event.caseId(), event.reminded(), MailKind.REMINDER, message.getIdentifier(), at);
    }

    private void writeToTeam(UUID caseId, List<Participant> members, MailKind kind, String cause, Instant at) {
        MailDirectory.CaseInfo kase = kase(caseId);
        MailDirectory.PostedMessage first = firstMessage(caseId);
        Map<MailDirectory.Recipient, MailPlanner.Letter> letters = new LinkedHashMap<>();
        // a reminder comes a round after the invitation named them: they may have changed address or left since
        directory.teamMembersNow(members).forEach(to -> letters.put(to, MailPlanner.Letter.about(kind, first)));
        planner.write(kase, letters, cause, at);
    }

    /** A case Casey closed itself (it was idle) tells everyone; one closed by a person or program does not. */
    @EventHandler
    void on(CaseClosedEvent event, EventMessage<?> message, @Timestamp Instant at) {
        statusChanged(event.caseId(), CaseStatus.CLOSED);
        if (event.actor().kind() == Actor.Kind.SYSTEM) {
            MailPlanner.Letter letter = new MailPlanner.Letter(MailKind.CASE_CLOSED, null, null, event.reason());
            Map<MailDirectory.Recipient, MailPlanner.Letter> letters = new LinkedHashMap<>();
            directory.recipients(event.caseId()).forEach(recipient -> letters.put(recipient, letter));
            planner.write(kase(event.caseId()), letters, message.getIdentifier(), at);
        }
    }

    @EventHandler
    void on(CaseExpiredEvent event) {
        statusChanged(event.caseId(), CaseStatus.EXPIRED);
    }

    /** A mail to a closed case that may not reopen: its author is told so, when the case decided to. */
    @EventHandler
    void on(MessageRefusedEvent event, EventMessage<?> message, @Timestamp Instant at) {
        if (event.politeReply()) {
            MailDirectory.Recipient author = directory.recipient(event.caseId(), event.author().email())
                    .orElse(new MailDirectory.Recipient(event.author().email(), event.author().name(),
                            event.author().team(), false));
            planner.write(kase(event.caseId()), author, MailPlanner.Letter.of(MailKind.CLOSED_CASE_REFUSAL),
                    message.getIdentifier(), at);
        }
    }

    @EventHandler
    void on(CaseReopenedEvent event) {
        statusChanged(event.caseId(), CaseStatus.OPEN);
    }

    private void sendInitialToCreator(UUID caseId, BooleanSupplier openedByMail, String cause, Instant at) {
        if (!settings.current().bool(Setting.CASE_SEND_INITIAL)) {
            return;
        }
        planner.write(kase(caseId), directory.creator(caseId),
                MailPlanner.Letter.received(firstMessage(caseId), openedByMail.getAsBoolean()), cause, at);
    }

    /**
     * Whether a mail opened the case, as its opening event says: the directory does not keep it, and a case confirmed
     * later (by link or by reply) is acknowledged only then. Read from the first event on, never from a snapshot.
     */
    private boolean openedByMail(UUID caseId) {
        return events.readEvents(caseId.toString(), 0).asStream().findFirst()
                .map(first -> first.getPayload() instanceof CaseOpenedEvent opened && opened.source() == Source.MAIL)
                .orElse(false);
    }

    /**
     * The case as mail knows it, read once per unit of work (the events of a new case named it three times, each a
     * statement) and kept up to date by {@link #statusChanged}, the only change to it that events make.
     */
    private MailDirectory.CaseInfo kase(UUID caseId) {
        return cases().computeIfAbsent(caseId, id -> directory.find(id)
                .orElseThrow(() -> new IllegalStateException("mail knows no case " + id)));
    }

    private void statusChanged(UUID caseId, CaseStatus status) {
        directory.statusChanged(caseId, status);
        cases().remove(caseId);
    }

    /**
     * The message a case was opened with: the one posted in this unit of work when it opened the case (its
     * acknowledgement and the team's invitations quote it, each a statement to read it back), else read.
     */
    private MailDirectory.PostedMessage firstMessage(UUID caseId) {
        return firstMessages().computeIfAbsent(caseId, directory::firstMessage);
    }

    private static Map<UUID, MailDirectory.CaseInfo> cases() {
        return ofThisUnitOfWork(CASES);
    }

    private static Map<UUID, MailDirectory.PostedMessage> firstMessages() {
        return ofThisUnitOfWork(FIRST_MESSAGES);
    }

    /** What this unit of work read or wrote of cases, by case, under one of the names above; none kept outside one. */
    private static <T> Map<UUID, T> ofThisUnitOfWork(String name) {
        if (!CurrentUnitOfWork.isStarted()) {
            return new HashMap<>();
        }
        return CurrentUnitOfWork.get().root().getOrComputeResource(name, key -> new HashMap<>());
    }
}
