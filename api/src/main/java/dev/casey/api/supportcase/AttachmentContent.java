package dev.casey.api.supportcase;

/** The stored content of an attachment. */
public record AttachmentContent(String filename, String contentType, byte[] content) {
}
