package dev.casey.mailgateway.inbound;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Content-Transfer-Encoding decoders that never fail. Jakarta Mail has decoders for all of these,
 * but their leniency switches ({@code mail.mime.base64.ignoreerrors},
 * {@code mail.mime.uudecode.ignoremissingbeginend}, ...) are read from JVM-wide system properties
 * only, which a parser must not change under the feet of the rest of the application.
 */
final class TransferDecoding {

    private static final int[] BASE64 = new int[256];

    static {
        Arrays.fill(BASE64, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            BASE64[alphabet.charAt(i)] = i;
        }
        // The URL-safe alphabet shows up in mails written by web applications.
        BASE64['-'] = 62;
        BASE64['_'] = 63;
    }

    private TransferDecoding() {
    }

    /** Decodes a body according to its Content-Transfer-Encoding; unknown encodings pass as is. */
    static byte[] decode(byte[] body, String encoding) {
        String name = encoding == null ? "" : encoding.trim().toLowerCase(Locale.ROOT).replace("\"", "");
        if (name.contains("base64") || name.equals("base-64")) {
            return base64(body);
        }
        if (name.contains("quoted-printable") || name.equals("qp")) {
            return quotedPrintable(body, false);
        }
        if (name.contains("uuencode") || name.equals("x-uue") || name.equals("uue")) {
            return uudecode(body);
        }
        return body;
    }

    /**
     * Base64 that skips every character outside the alphabet and treats padding as the end of a
     * group rather than of the data, so that concatenated encodings and truncated input decode to
     * everything that is there.
     */
    static byte[] base64(byte[] encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length * 3 / 4 + 3);
        int group = 0;
        int count = 0;
        for (byte b : encoded) {
            int c = b & 0xFF;
            if (c == '=') {
                flushPartial(out, group, count);
                group = 0;
                count = 0;
                continue;
            }
            int value = BASE64[c];
            if (value < 0) {
                continue;
            }
            group = (group << 6) | value;
            count++;
            if (count == 4) {
                out.write(group >> 16);
                out.write(group >> 8);
                out.write(group);
                group = 0;
                count = 0;
            }
        }
        flushPartial(out, group, count);
        return out.toByteArray();
    }

    private static void flushPartial(ByteArrayOutputStream out, int group, int count) {
        if (count == 2) {
            out.write(group >> 4);
        } else if (count == 3) {
            out.write(group >> 10);
            out.write(group >> 2);
        }
    }

    /**
     * Quoted-printable; an '=' that starts no valid escape is kept as a literal, as RFC 2045 advises.
     * In encoded words ({@code underscoreIsSpace}) the underscore stands for a space.
     */
    static byte[] quotedPrintable(byte[] encoded, boolean underscoreIsSpace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length);
        int i = 0;
        while (i < encoded.length) {
            int c = encoded[i] & 0xFF;
            if (c == '_' && underscoreIsSpace) {
                out.write(' ');
                i++;
            } else if (c != '=') {
                out.write(c);
                i++;
            } else {
                int softBreak = softLineBreakEnd(encoded, i + 1);
                if (softBreak > 0) {
                    i = softBreak;
                } else if (i + 2 < encoded.length && hex(encoded[i + 1]) >= 0 && hex(encoded[i + 2]) >= 0) {
                    out.write(hex(encoded[i + 1]) * 16 + hex(encoded[i + 2]));
                    i += 3;
                } else {
                    out.write(c);
                    i++;
                }
            }
        }
        return out.toByteArray();
    }

    /** Where the data continues after "=" [whitespace] CRLF, or -1 when this is no soft break. */
    private static int softLineBreakEnd(byte[] bytes, int from) {
        int i = from;
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t')) {
            i++;
        }
        if (i < bytes.length && bytes[i] == '\r') {
            i++;
        }
        if (i < bytes.length && bytes[i] == '\n') {
            return i + 1;
        }
        // "=" at the very end of the data is a soft break that lost its line end.
        return i == bytes.length ? i : -1;
    }

    private static int hex(byte b) {
        return Character.digit((char) (b & 0xFF), 16);
    }

    /**
     * uudecode of a body with or without its "begin" and "end" lines (Exchange and some list
     * servers strip them), stopping at "end" when there is one.
     */
    static byte[] uudecode(byte[] encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length * 3 / 4);
        String text = new String(encoded, StandardCharsets.ISO_8859_1);
        boolean begun = !text.lines().anyMatch(line -> line.startsWith("begin "));
        for (String line : text.split("\r?\n")) {
            if (!begun) {
                begun = line.startsWith("begin ");
                continue;
            }
            if (line.trim().equals("end")) {
                break;
            }
            decodeUuLine(line, out);
        }
        return out.toByteArray();
    }

    static void decodeUuLine(String line, ByteArrayOutputStream out) {
        if (line.isEmpty()) {
            return;
        }
        int length = (line.charAt(0) - ' ') & 0x3F;
        int written = 0;
        for (int i = 1; written < length && i < line.length(); i += 4) {
            int a = uuValue(line, i);
            int b = uuValue(line, i + 1);
            int c = uuValue(line, i + 2);
            int d = uuValue(line, i + 3);
            int[] bytes = {(a << 2) | (b >> 4), ((b & 0xF) << 4) | (c >> 2), ((c & 0x3) << 6) | d};
            for (int k = 0; k < 3 && written < length; k++) {
                out.write(bytes[k] & 0xFF);
                written++;
            }
        }
    }

    private static int uuValue(String line, int index) {
        return index < line.length() ? (line.charAt(index) - ' ') & 0x3F : 0;
    }
}
