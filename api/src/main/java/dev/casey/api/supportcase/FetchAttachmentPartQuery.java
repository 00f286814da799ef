package dev.casey.api.supportcase;

import java.util.UUID;

/** Asks for up to length bytes of an attachment from offset on; answered with a byte[] (empty past its end). */
public record FetchAttachmentPartQuery(UUID caseId, UUID attachmentId, long offset, int length) {
}
