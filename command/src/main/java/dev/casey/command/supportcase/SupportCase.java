package dev.casey.command.supportcase;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.casey.api.common.Actor;
import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.EmailAddresses;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.common.Source;
import dev.casey.api.settings.Setting;
import dev.casey.api.supportcase.AttachmentRef;
import dev.casey.api.supportcase.AutomaticReplyReceivedEvent;
import dev.casey.api.supportcase.CaseCategoryChangedEvent;
import dev.casey.api.supportcase.CaseClosedEvent;
import dev.casey.api.supportcase.CaseConfirmationRequestedEvent;
import dev.casey.api.supportcase.CaseConfirmedEvent;
import dev.casey.api.supportcase.CaseMetaChangedEvent;
import dev.casey.api.supportcase.CaseOpenedEvent;
import dev.casey.api.supportcase.CaseReopenedEvent;
import dev.casey.api.supportcase.CaseStatus;
import dev.casey.api.supportcase.CaseTagsChangedEvent;
import dev.casey.api.supportcase.CloseCaseCommand;
import dev.casey.api.supportcase.ConfirmCaseCommand;
import dev.casey.api.supportcase.MailBouncedEvent;
import dev.casey.api.supportcase.MailDeliveryFailedEvent;
import dev.casey.api.supportcase.MessagePostedEvent;
import dev.casey.api.supportcase.OpenCaseCommand;
import dev.casey.api.supportcase.Participant;
import dev.casey.api.supportcase.ParticipantAddedEvent;
import dev.casey.api.supportcase.PostMessageCommand;
import dev.casey.api.supportcase.RecordAutomaticReplyCommand;
import dev.casey.api.supportcase.RecordMailBounceCommand;
import dev.casey.api.supportcase.RecordMailDeliveryFailureCommand;
import dev.casey.api.supportcase.ReopenCaseCommand;
import dev.casey.api.supportcase.TeamInvitedEvent;
import dev.casey.api.supportcase.UpdateCaseDetailsCommand;
import dev.casey.command.Refusals;
import dev.casey.command.person.PersonDirectory;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * A support case: who takes part, whether it is pending, open or closed, and which messages it has
 * already seen. Decides every change to a case; the read side and the mail gateway only follow.
 */
@Aggregate
class SupportCase {

    static final int MAX_SUBJECT_LENGTH = 500;
    static final int MAX_MESSAGE_LENGTH = 1_000_000;
    static final int MAX_CATEGORY_LENGTH = 100;

    @AggregateIdentifier
    private UUID caseId;
    private CaseStatus status;
    private String confirmationCode;
    private Instant confirmationExpiresAt;
    private String category;
    private List<String> tags;
    private Map<String, String> meta;
    private final Map<String, Participant> participants = new LinkedHashMap<>();
    private final Set<UUID> messageIds = new HashSet<>();
    private final Set<String> mailMessageIds = new HashSet<>();

    SupportCase() {
        // for event sourcing
    }

    @CommandHandler
    SupportCase(OpenCaseCommand command, CaseKeys keys, CaseRules rules, PersonDirectory directory,
                TeamRoster roster) {
        String subject = Refusals.requireLine(command.subject(), "subject", MAX_SUBJECT_LENGTH);
        String body = Refusals.requireText(command.message(), "message", MAX_MESSAGE_LENGTH);
        String email = Refusals.requireEmail(command.creatorEmail(), "creator.email");
        String category = CaseDetails.category(command.category());
        List<String> tags = command.tags() == null ? List.of() : CaseDetails.tags(command.tags());
        Map<String, String> meta = command.meta() == null ? Map.of() : CaseDetails.meta(command.meta());
        Participant creator = participantFor(email, command.creatorName(), "creator.name", directory);
        var settings = rules.settings();
        CaseStatus status = settings.caseConfirmation() ? CaseStatus.PENDING : CaseStatus.OPEN;

        apply(new CaseOpenedEvent(command.caseId(), keys.newReference(command.caseId()), subject, creator,
                category, tags, meta, status, command.actor(), command.source()));
        if (status == CaseStatus.PENDING) {
            Instant expiresAt = now().plus(settings.caseConfirmationExpiry());
            apply(new CaseConfirmationRequestedEvent(command.caseId(), keys.newConfirmationCode(command.caseId()),
                    expiresAt, Actor.CASEY, Source.SYSTEM));
        }
        apply(new MessagePostedEvent(command.caseId(), command.messageId(), creator, body, true,
                command.mailMessageId(), attachments(command.attachments()), command.actor(), command.source()));
        if (status == CaseStatus.OPEN) {
            // state is not applied yet inside a creating handler: pass what the invitation needs
            inviteTeam(command.caseId(), Set.of(EmailAddresses.key(creator.email())),
                    settings.integer(Setting.TEAM_INVITE_COUNT), roster);
        }
    }

    @CommandHandler
    void handle(ConfirmCaseCommand command, CaseRules rules, TeamRoster roster) {
        if (status != CaseStatus.PENDING) {
            throw new CaseyRefusal(ErrorCode.ALREADY_CONFIRMED, "this case was confirmed already");
        }
        if (confirmationCode == null || command.code() == null || !MessageDigest.isEqual(
                confirmationCode.getBytes(StandardCharsets.UTF_8), command.code().getBytes(StandardCharsets.UTF_8))) {
            throw new CaseyRefusal(ErrorCode.CONFIRMATION_CODE_INVALID, "the confirmation code is not valid", "code");
        }
        if (!now().isBefore(confirmationExpiresAt)) {
            throw new CaseyRefusal(ErrorCode.CONFIRMATION_EXPIRED, "the confirmation code has expired", "code");
        }
        apply(new CaseConfirmedEvent(caseId, command.actor(), command.source()));
        inviteTeam(caseId, participants.keySet(), rules.settings().integer(Setting.TEAM_INVITE_COUNT), roster);
    }

    /** Team members are told of a case once it is open: at once, or when its creator confirmed it. */
    private static void inviteTeam(UUID caseId, Set<String> participantKeys, int count, TeamRoster roster) {
        List<Participant> chosen = roster.invite(count, Set.copyOf(participantKeys));
        if (!chosen.isEmpty()) {
            apply(new TeamInvitedEvent(caseId, chosen, false, Actor.CASEY, Source.SYSTEM));
        }
    }

    @CommandHandler
    void handle(PostMessageCommand command, CaseRules rules, PersonDirectory directory) {
        if (messageIds.contains(command.messageId())
                || (command.mailMessageId() != null && mailMessageIds.contains(command.mailMessageId()))) {
            return; // the same message again (a retried request, a mail fetched twice): recorded once
        }
        String body = Refusals.requireText(command.body(), "message", MAX_MESSAGE_LENGTH);
        String email = Refusals.requireEmail(command.fromEmail(), "from");
        if (status == CaseStatus.PENDING) {
            throw new CaseyRefusal(ErrorCode.CASE_PENDING, "this case awaits its creator's confirmation");
        }
        Participant author = participants.get(EmailAddresses.key(email));
        if (author == null) {
            PersonDirectory.Entry known = directory.findByEmail(email)
                    .filter(PersonDirectory.Entry::activeTeamMember)
                    .orElseThrow(() -> new CaseyRefusal(ErrorCode.NOT_A_PARTICIPANT,
                            email + " takes no part in this case", "from"));
            author = new Participant(known.email(), known.name(), true, known.personId());
        }
        if (status == CaseStatus.CLOSED) {
            if (!rules.settings().caseCanReopen()) {
                throw new CaseyRefusal(ErrorCode.CASE_CLOSED, "this case is closed and cannot be reopened by a message");
            }
            apply(new CaseReopenedEvent(caseId, "a message arrived", command.actor(), command.source()));
        }
        if (!participants.containsKey(EmailAddresses.key(author.email()))) {
            apply(new ParticipantAddedEvent(caseId, author, command.actor(), command.source()));
        }
        apply(new MessagePostedEvent(caseId, command.messageId(), author, body, false, command.mailMessageId(),
                attachments(command.attachments()), command.actor(), command.source()));
    }

    @CommandHandler
    void handle(CloseCaseCommand command) {
        if (status == CaseStatus.CLOSED) {
            throw new CaseyRefusal(ErrorCode.CASE_ALREADY_CLOSED, "this case is closed already");
        }
        apply(new CaseClosedEvent(caseId, command.reason(), command.actor(), command.source()));
    }

    @CommandHandler
    void handle(ReopenCaseCommand command) {
        if (status != CaseStatus.CLOSED) {
            throw new CaseyRefusal(ErrorCode.CASE_NOT_CLOSED, "only a closed case can be reopened");
        }
        apply(new CaseReopenedEvent(caseId, command.reason(), command.actor(), command.source()));
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
    void on(CaseOpenedEvent event) {
        caseId = event.caseId();
        status = event.status();
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
    void on(CaseConfirmedEvent event) {
        status = CaseStatus.OPEN;
        confirmationCode = null;
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
    void on(MessagePostedEvent event) {
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
    void on(CaseReopenedEvent event) {
        status = CaseStatus.OPEN;
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
