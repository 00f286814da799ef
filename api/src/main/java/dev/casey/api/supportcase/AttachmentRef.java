package dev.casey.api.supportcase;

import java.util.UUID;

/** An attachment of a message: its content is stored apart and fetched with {@link FetchAttachmentQuery}. */
public record AttachmentRef(UUID attachmentId, String filename, String contentType, long size, boolean omitted) {
}
