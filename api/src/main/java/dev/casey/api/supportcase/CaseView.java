package dev.casey.api.supportcase;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A whole case as the read side shows it: participants took part, invited team members were told of
 * it; version is the sequence number of its last event.
 */
public record CaseView(UUID uuid, String reference, String subject, CaseStatus status, String category,
                       List<String> tags, Map<String, String> meta, Participant creator,
                       List<Participant> participants, List<Participant> invited, List<MessageView> messages, Instant openedAt,
                       Instant updatedAt, Instant closedAt, long version) {

    /** The case with each message's mails. */
    public CaseView withDeliveries(MailDeliveries mails) {
        return new CaseView(uuid, reference, subject, status, category, tags, meta, creator, participants, invited,
                messages.stream().map(m -> m.withDeliveries(mails.of(m.uuid()))).toList(), openedAt, updatedAt,
                closedAt, version);
    }
}
