package dev.casey.query.supportcase;

import dev.casey.api.common.EmailAddresses;
import dev.casey.api.supportcase.CaseCategoryChangedEvent;
import dev.casey.api.supportcase.CaseClosedEvent;
import dev.casey.api.supportcase.CaseConfirmedEvent;
import dev.casey.api.supportcase.CaseExpiredEvent;
import dev.casey.api.supportcase.CaseMetaChangedEvent;
import dev.casey.api.supportcase.CaseOpenedEvent;
import dev.casey.api.supportcase.CaseReopenedEvent;
import dev.casey.api.supportcase.CaseStatus;
import dev.casey.api.supportcase.CaseTagsChangedEvent;
import dev.casey.api.supportcase.CaseView;
import dev.casey.api.supportcase.MessagePostedEvent;
import dev.casey.api.supportcase.MessageView;
import dev.casey.api.supportcase.Participant;
import dev.casey.api.supportcase.ParticipantAddedEvent;
import dev.casey.api.supportcase.TeamInvitedEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a case looks after each of its events. The one definition of a case view: the live
 * projection and the view "as of" an instant both fold events through here, so they cannot
 * disagree.
 */
final class CaseViewFold {

    private CaseViewFold() {
    }

    /**
     * The view after the event; {@code current} is null before the case was opened. Events that do
     * not change what a case view shows only advance its version.
     */
    static CaseView apply(CaseView current, Object event, Instant timestamp, long sequence) {
        // the event store keeps milliseconds: the live view must show what a replay shows
        Instant at = timestamp.truncatedTo(ChronoUnit.MILLIS);
        if (event instanceof CaseOpenedEvent e) {
            return new CaseView(e.caseId(), e.reference(), e.subject(), e.status(), e.category(), e.tags(), e.meta(),
                    e.creator(), List.of(e.creator()), List.of(), List.of(), at, at, null, sequence);
        }
        if (current == null) {
            throw new IllegalStateException("event " + event.getClass().getSimpleName() + " before the case was opened");
        }
        Draft v = new Draft(current, at);
        if (event instanceof CaseConfirmedEvent) {
            v.status = CaseStatus.OPEN;
        } else if (event instanceof MessagePostedEvent e) {
            v.messages.add(new MessageView(e.messageId(), e.author(), e.body(), e.source(), at, e.mailMessageId(),
                    e.attachments() == null ? List.of() : e.attachments(), null));
        } else if (event instanceof TeamInvitedEvent e) {
            for (Participant p : e.invited()) {
                String key = EmailAddresses.key(p.email());
                v.invited.removeIf(known -> EmailAddresses.key(known.email()).equals(key));
                v.invited.add(p);
            }
        } else if (event instanceof ParticipantAddedEvent e) {
            String key = EmailAddresses.key(e.participant().email());
            v.participants.removeIf(p -> EmailAddresses.key(p.email()).equals(key));
            v.participants.add(e.participant());
        } else if (event instanceof CaseExpiredEvent) {
            v.status = CaseStatus.EXPIRED;
            v.closedAt = at;
        } else if (event instanceof CaseClosedEvent) {
            v.status = CaseStatus.CLOSED;
            v.closedAt = at;
        } else if (event instanceof CaseReopenedEvent) {
            v.status = CaseStatus.OPEN;
            v.closedAt = null;
        } else if (event instanceof CaseCategoryChangedEvent e) {
            v.category = e.category();
        } else if (event instanceof CaseTagsChangedEvent e) {
            v.tags = e.tags();
        } else if (event instanceof CaseMetaChangedEvent e) {
            v.meta = e.meta();
        } else {
            v.updatedAt = current.updatedAt();
        }
        return v.build(sequence);
    }

    /** A case view being changed by one event. */
    private static final class Draft {
        private final CaseView base;
        private CaseStatus status;
        private String category;
        private List<String> tags;
        private Map<String, String> meta;
        private final List<Participant> participants;
        private final List<Participant> invited;
        private final List<MessageView> messages;
        private Instant updatedAt;
        private Instant closedAt;

        Draft(CaseView base, Instant at) {
            this.base = base;
            status = base.status();
            category = base.category();
            tags = base.tags();
            meta = base.meta();
            participants = new ArrayList<>(base.participants());
            invited = new ArrayList<>(base.invited());
            messages = new ArrayList<>(base.messages());
            updatedAt = at;
            closedAt = base.closedAt();
        }

        CaseView build(long sequence) {
            return new CaseView(base.uuid(), base.reference(), base.subject(), status, category, tags, meta,
                    base.creator(), List.copyOf(participants), List.copyOf(invited), List.copyOf(messages), base.openedAt(), updatedAt,
                    closedAt, sequence);
        }
    }
}
