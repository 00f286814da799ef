package dev.casey.mailgateway.outbound;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A composed mail: the exact bytes to hand to SMTP (and to keep in the outbox), plus what they say, decoded.
 *
 * @param raw       the RFC 5322 message, CRLF line ends, 7-bit clean
 * @param subject   the subject, decoded
 * @param messageId the Message-ID, without angle brackets
 * @param headers   the top-level headers in order, unfolded and decoded (RFC 2047); display names always quoted
 * @param text      the text/plain alternative, LF line ends
 * @param html      the text/html alternative, LF line ends
 */
public record ComposedMail(
        byte[] raw, String subject, String messageId, Map<String, String> headers, String text, String html) {

    /** Copies the bytes and the headers (keeping their order). */
    public ComposedMail {
        raw = raw.clone();
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(html, "html");
    }

    /** A copy of the raw message. */
    @Override
    public byte[] raw() {
        return raw.clone();
    }

    /** The raw message as a string (it is ASCII). */
    public String rawString() {
        return new String(raw, StandardCharsets.US_ASCII);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComposedMail c && Arrays.equals(raw, c.raw) && subject.equals(c.subject)
                && messageId.equals(c.messageId) && headers.equals(c.headers) && text.equals(c.text)
                && html.equals(c.html);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(raw) + messageId.hashCode();
    }

    @Override
    public String toString() {
        return "ComposedMail[messageId=" + messageId + ", subject=" + subject + ", " + raw.length + " bytes]";
    }
}
