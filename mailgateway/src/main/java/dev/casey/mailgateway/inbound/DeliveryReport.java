package dev.casey.mailgateway.inbound;

import java.util.List;

/**
 * What a bounce or other delivery status notification says about a mail we sent.
 *
 * @param originalMessageId Message-ID of the mail the report is about, without brackets, or null
 * @param failedRecipients  recipients whose delivery failed; empty for delay or success reports
 * @param action            RFC 3464 action of the first recipient (failed, delayed, delivered,
 *                          relayed, expanded), or null when the report does not say
 * @param status            RFC 3463 status code such as 5.1.1, or null
 * @param diagnostic        the remote server's diagnostic, or null
 */
public record DeliveryReport(String originalMessageId, List<String> failedRecipients, String action, String status,
        String diagnostic) {

    public DeliveryReport {
        failedRecipients = failedRecipients == null ? List.of() : List.copyOf(failedRecipients);
    }

    /** True when the report says a delivery failed permanently. */
    public boolean isFailure() {
        return !failedRecipients.isEmpty() || "failed".equals(action) || (status != null && status.startsWith("5"));
    }
}
