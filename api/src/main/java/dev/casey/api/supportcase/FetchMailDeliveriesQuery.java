package dev.casey.api.supportcase;

import java.util.UUID;

/** Asks how the mails of a case's messages fared; answered with {@link MailDeliveries}. */
public record FetchMailDeliveriesQuery(UUID caseId) {
}
