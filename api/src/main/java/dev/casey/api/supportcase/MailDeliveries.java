package dev.casey.api.supportcase;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The mails of a case's messages, by message (oldest first); a message that went out as no mail is not in it. */
public record MailDeliveries(Map<UUID, List<MailDelivery>> byMessage) {

    /** The mails of this message; empty when it went out as none. */
    public List<MailDelivery> of(UUID messageId) {
        return byMessage.getOrDefault(messageId, List.of());
    }
}
