package dev.casey.mailgateway.inbound;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a multipart body at its boundary lines. Unlike Jakarta Mail's {@code MimeMultipart},
 * which throws on a missing start boundary and takes its leniency switches from JVM-wide system
 * properties, this accepts a missing end boundary, trailing whitespace after boundaries and a
 * missing boundary parameter, and reports "no parts" instead of failing.
 */
final class MultipartBody {

    private MultipartBody() {
    }

    /** The body parts, or an empty list when no boundary line was found at all. */
    static List<MimeEntity> split(MimeEntity multipart) {
        byte[] data = multipart.data();
        int from = multipart.bodyStart();
        int to = multipart.bodyEnd();
        String boundary = multipart.contentType().parameter("boundary");
        if (boundary == null || boundary.isBlank()) {
            boundary = guessBoundary(data, from, to);
            if (boundary == null) {
                return List.of();
            }
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<MimeEntity> parts = new ArrayList<>();
        int partStart = -1;
        int pos = from;
        while (pos < to) {
            int next = MimeEntity.nextLine(data, pos, to);
            int end = MimeEntity.contentEnd(data, pos, next);
            int kind = delimiterKind(data, pos, end, delimiter);
            if (kind != 0) {
                if (partStart >= 0) {
                    // The line break before a delimiter belongs to the delimiter (RFC 2046 5.1.1).
                    parts.add(MimeEntity.parse(data, partStart, lineBreakStart(data, partStart, pos), false));
                }
                if (kind == 2) {
                    return parts;
                }
                partStart = next;
            }
            pos = next;
        }
        if (partStart >= 0 && partStart < to) {
            // No closing delimiter: the last part runs to the end.
            parts.add(MimeEntity.parse(data, partStart, to, false));
        }
        return parts;
    }

    /** 0: no delimiter, 1: delimiter, 2: close delimiter. Trailing whitespace is allowed. */
    private static int delimiterKind(byte[] data, int pos, int end, byte[] delimiter) {
        if (end - pos < delimiter.length) {
            return 0;
        }
        for (int i = 0; i < delimiter.length; i++) {
            if (data[pos + i] != delimiter[i]) {
                return 0;
            }
        }
        int i = pos + delimiter.length;
        int kind = 1;
        if (end - i >= 2 && data[i] == '-' && data[i + 1] == '-') {
            kind = 2;
            i += 2;
        }
        for (; i < end; i++) {
            if (data[i] != ' ' && data[i] != '\t') {
                return 0;
            }
        }
        return kind;
    }

    private static int lineBreakStart(byte[] data, int partStart, int delimiterLine) {
        int end = delimiterLine;
        if (end > partStart && data[end - 1] == '\n') {
            end--;
            if (end > partStart && data[end - 1] == '\r') {
                end--;
            }
        }
        return end;
    }

    /** The boundary of the first line that looks like one, for multiparts that do not declare it. */
    private static String guessBoundary(byte[] data, int from, int to) {
        int pos = from;
        while (pos < to) {
            int next = MimeEntity.nextLine(data, pos, to);
            int end = MimeEntity.contentEnd(data, pos, next);
            String line = MimeEntity.latin1(data, pos, end).stripTrailing();
            if (line.startsWith("--") && line.length() > 2 && line.length() <= 72 && !line.contains(" ")) {
                return line.endsWith("--") && line.length() > 4 ? line.substring(2, line.length() - 2)
                        : line.substring(2);
            }
            pos = next;
        }
        return null;
    }
}
