package dev.casey.mailgateway.inbound;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One MIME entity as it stands in the raw bytes: its header fields, unfolded but otherwise raw,
 * and its body, still transfer-encoded. Header values are kept as ISO-8859-1 strings, one char per
 * byte, so that no eight-bit byte is lost before we know which charset it belongs to.
 */
final class MimeEntity {

    /** A header field; {@code raw} is unfolded and holds one char per original byte. */
    record Field(String name, String raw) {
    }

    private final List<Field> fields;
    private final byte[] data;
    private final int bodyStart;
    private final int bodyEnd;
    private final String envelopeSender;
    private String headerCharset;
    private ContentHeader contentType;
    private ContentHeader contentDisposition;

    private MimeEntity(List<Field> fields, byte[] data, int bodyStart, int bodyEnd, String envelopeSender) {
        this.fields = fields;
        this.data = data;
        this.bodyStart = bodyStart;
        this.bodyEnd = bodyEnd;
        this.envelopeSender = envelopeSender;
    }

    /**
     * Splits {@code data[from, to)} into header fields and body. For a whole message a leading mbox
     * "From " line is taken as envelope sender. A part may have no header block at all; a message
     * without one is reported by {@link #hasHeaders()}.
     */
    static MimeEntity parse(byte[] data, int from, int to, boolean wholeMessage) {
        List<Field> fields = new ArrayList<>();
        String envelopeSender = null;
        int pos = from;
        if (wholeMessage && (startsWith(data, pos, to, "From ") || startsWith(data, pos, to, ">From "))) {
            int next = nextLine(data, pos, to);
            envelopeSender = latin1(data, pos + (data[pos] == '>' ? 6 : 5), contentEnd(data, pos, next)).trim();
            pos = next;
        }
        if (wholeMessage) {
            pos = skipLeadingJunk(data, pos, to);
        }
        String name = null;
        StringBuilder value = null;
        int bodyStart = to;
        int lastFieldLine = -1;
        while (pos < to) {
            int next = nextLine(data, pos, to);
            int end = contentEnd(data, pos, next);
            if (end == pos) {
                bodyStart = next;
                break;
            }
            byte first = data[pos];
            int colon = first == ' ' || first == '\t' ? -1 : fieldNameEnd(data, pos, end);
            if (colon < 0 && value != null) {
                if (first != ' ' && first != '\t') {
                    if (lastFieldLine < pos) {
                        lastFieldLine = lastFieldLineOfBlock(data, pos, to);
                    }
                    if (lastFieldLine < pos) {
                        // No blank line between header and body: the body starts here.
                        bodyStart = pos;
                        break;
                    }
                    // Header fields follow, so this is a continuation line that lost its indentation,
                    // as some gateways produce (Kerio, PHP mail scripts).
                }
                // Unfolding: the line break goes. Its indentation becomes one space, which is what the
                // folding client replaced; keeping a tab or eight spaces would show in subjects.
                int text = pos;
                while (text < end && (data[text] == ' ' || data[text] == '\t')) {
                    text++;
                }
                value.append(' ').append(latin1(data, text, end));
                pos = next;
                continue;
            }
            if (colon < 0) {
                // A part without header block, or a message that is none.
                bodyStart = pos;
                break;
            }
            if (name != null) {
                fields.add(new Field(name, value.toString()));
            }
            name = latin1(data, pos, colon).trim();
            value = new StringBuilder(latin1(data, colon + 1, end));
            pos = next;
        }
        if (name != null) {
            fields.add(new Field(name, value.toString()));
        }
        return new MimeEntity(List.copyOf(fields), data, Math.min(bodyStart, to), to, envelopeSender);
    }

    /**
     * Skips up to three lines of junk that some gateways put before the header block
     * ("---- Original email message ----"), but only when real header fields follow.
     */
    private static int skipLeadingJunk(byte[] data, int from, int to) {
        int pos = from;
        for (int skipped = 0; skipped < 3 && pos < to; skipped++) {
            int next = nextLine(data, pos, to);
            int end = contentEnd(data, pos, next);
            if (end == pos || fieldNameEnd(data, pos, end) >= 0) {
                return pos;
            }
            int following = nextLine(data, next, to);
            if (next < to && fieldNameEnd(data, next, contentEnd(data, next, following)) >= 0) {
                return next;
            }
            pos = next;
        }
        return from;
    }

    /** Start of the last line that looks like a header field before the next blank line, or -1. */
    private static int lastFieldLineOfBlock(byte[] data, int from, int to) {
        int last = -1;
        int pos = from;
        while (pos < to) {
            int next = nextLine(data, pos, to);
            int end = contentEnd(data, pos, next);
            if (end == pos) {
                break;
            }
            if (data[pos] != ' ' && data[pos] != '\t' && fieldNameEnd(data, pos, end) >= 0) {
                last = pos;
            }
            pos = next;
        }
        return last;
    }

    private static boolean startsWith(byte[] data, int pos, int to, String prefix) {
        if (to - pos < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (data[pos + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Index just after the next LF, or {@code to}. */
    static int nextLine(byte[] data, int pos, int to) {
        for (int i = pos; i < to; i++) {
            if (data[i] == '\n') {
                return i + 1;
            }
        }
        return to;
    }

    /** End of the line's content, without its CR LF. */
    static int contentEnd(byte[] data, int lineStart, int next) {
        int end = next;
        if (end > lineStart && data[end - 1] == '\n') {
            end--;
        }
        if (end > lineStart && data[end - 1] == '\r') {
            end--;
        }
        return end;
    }

    /**
     * Index of the colon ending a field name (printable ASCII without colon, RFC 5322 3.6.8; the
     * obsolete syntax allows whitespace before the colon), or -1 when the line is no header field.
     */
    private static int fieldNameEnd(byte[] data, int pos, int end) {
        int i = pos;
        while (i < end && data[i] > 32 && data[i] < 127 && data[i] != ':') {
            i++;
        }
        if (i == pos) {
            return -1;
        }
        while (i < end && (data[i] == ' ' || data[i] == '\t')) {
            i++;
        }
        return i < end && data[i] == ':' ? i : -1;
    }

    static String latin1(byte[] data, int from, int to) {
        return new String(data, from, Math.max(0, to - from), StandardCharsets.ISO_8859_1);
    }

    boolean hasHeaders() {
        return !fields.isEmpty();
    }

    String envelopeSender() {
        return envelopeSender;
    }

    /** The first field of that name, raw; null when absent. */
    String raw(String name) {
        for (Field field : fields) {
            if (field.name().equalsIgnoreCase(name)) {
                return field.raw();
            }
        }
        return null;
    }

    List<String> rawAll(String name) {
        List<String> values = new ArrayList<>();
        for (Field field : fields) {
            if (field.name().equalsIgnoreCase(name)) {
                values.add(field.raw());
            }
        }
        return values;
    }

    /** The first field of that name as text: eight-bit bytes decoded, trimmed; null when absent. */
    String text(String name) {
        String raw = raw(name);
        return raw == null ? null : eightBit(raw).trim();
    }

    List<String> textAll(String name) {
        return rawAll(name).stream().map(raw -> eightBit(raw).trim()).toList();
    }

    /**
     * Decodes raw eight-bit header bytes (RFC 6532 UTF-8, or a legacy charset sent unencoded); the
     * body's charset is the best guess for the latter, as the sending client used one for both.
     */
    String eightBit(String raw) {
        if (raw.chars().allMatch(c -> c < 0x80)) {
            return raw;
        }
        return MailCharsets.decode(raw.getBytes(StandardCharsets.ISO_8859_1), headerCharset());
    }

    private String headerCharset() {
        if (headerCharset == null) {
            String raw = raw("Content-Type");
            String declared = raw == null ? null : ContentHeader.parse(raw).parameter("charset");
            headerCharset = declared == null ? "" : declared;
        }
        return headerCharset;
    }

    /** Content-Type; text/plain when absent or empty, as RFC 2045 says. */
    ContentHeader contentType() {
        if (contentType == null) {
            String text = text("Content-Type");
            ContentHeader parsed = ContentHeader.parse(text == null ? "" : text);
            contentType = parsed.value().isEmpty() ? ContentHeader.parse("text/plain") : parsed;
        }
        return contentType;
    }

    /** Content-Disposition; an empty value when absent. */
    ContentHeader contentDisposition() {
        if (contentDisposition == null) {
            String text = text("Content-Disposition");
            contentDisposition = ContentHeader.parse(text == null ? "" : text);
        }
        return contentDisposition;
    }

    /** The media type, lower case, always of the form type/subtype. */
    String mediaType() {
        String value = contentType().value();
        if (value.indexOf('/') > 0) {
            return value;
        }
        // "Content-Type: text" and other truncated values seen from old mailers.
        return value.equals("text") ? "text/plain" : "application/octet-stream";
    }

    String transferEncoding() {
        String value = raw("Content-Transfer-Encoding");
        return value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    }

    int bodyStart() {
        return bodyStart;
    }

    int bodyEnd() {
        return bodyEnd;
    }

    byte[] data() {
        return data;
    }

    /** The body with its transfer encoding undone. */
    byte[] decodedBody() {
        return TransferDecoding.decode(Arrays.copyOfRange(data, bodyStart, bodyEnd), transferEncoding());
    }
}
