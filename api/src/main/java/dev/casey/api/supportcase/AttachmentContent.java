package dev.casey.api.supportcase;

/** What is known of a stored attachment before its bytes are read: its name, media type and size. */
public record AttachmentContent(String filename, String contentType, long size) {
}
