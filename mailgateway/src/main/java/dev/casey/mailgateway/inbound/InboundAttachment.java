package dev.casey.mailgateway.inbound;

import java.util.Arrays;
import java.util.Objects;

/**
 * A file that came with an inbound mail, including inline images and attached messages.
 *
 * @param filename    decoded file name without any path (RFC 2231, RFC 2047 or plain name=),
 *                    "subject.eml" for attached messages, null when the sender gave none
 * @param contentType media type, lower case, without parameters
 * @param size        decoded size in bytes, also when the content was omitted
 * @param content     decoded bytes; empty when {@code omitted}. Not copied: treat as read-only
 * @param contentId   Content-ID without angle brackets, or null
 * @param inline      whether the sender meant it to be shown in the body (inline disposition or a
 *                    Content-ID referenced from HTML) rather than offered as a download
 * @param omitted     true when the attachment exceeded the size limit and its content was dropped
 */
public record InboundAttachment(String filename, String contentType, long size, byte[] content, String contentId,
        boolean inline, boolean omitted) {

    public InboundAttachment {
        Objects.requireNonNull(contentType, "contentType");
        content = content == null ? new byte[0] : content;
    }

    // Records compare arrays by identity; an attachment is a value, so compare the bytes.
    @Override
    public boolean equals(Object other) {
        return other instanceof InboundAttachment that
                && size == that.size && inline == that.inline && omitted == that.omitted
                && Objects.equals(filename, that.filename) && contentType.equals(that.contentType)
                && Objects.equals(contentId, that.contentId) && Arrays.equals(content, that.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(filename, contentType, size, contentId, inline, omitted, Arrays.hashCode(content));
    }

    @Override
    public String toString() {
        return "InboundAttachment[filename=" + filename + ", contentType=" + contentType + ", size=" + size
                + ", contentId=" + contentId + ", inline=" + inline + ", omitted=" + omitted + "]";
    }
}
