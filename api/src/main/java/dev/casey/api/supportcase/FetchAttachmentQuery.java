package dev.casey.api.supportcase;

import java.util.UUID;

/** Asks what is stored of one attachment of a case; answered with an optional {@link AttachmentContent}. */
public record FetchAttachmentQuery(UUID caseId, UUID attachmentId) {
}
