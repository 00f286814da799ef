package dev.casey.api.supportcase;

import dev.casey.api.common.Source;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One message of a case as the read side shows it; deliveries the mails it went out as (asked of the mail gateway
 * when the case is fetched: null in what the read side keeps, and in a case as it stood at an earlier instant).
 */
public record MessageView(UUID uuid, Participant author, String body, Source source, Instant postedAt,
                          String mailMessageId, List<AttachmentRef> attachments, List<MailDelivery> deliveries) {

    public MessageView withDeliveries(List<MailDelivery> mails) {
        return new MessageView(uuid, author, body, source, postedAt, mailMessageId, attachments, mails);
    }
}
