package dev.casey.mailgateway.outbound;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 2047 encoded words for a subject or a display name, folded. Jakarta Mail splits a long text into words at any
 * character: a flag, a family emoji or a letter and its combining accent could be cut in half between two words, and
 * a decoder that shows each word on its own (or, as Python's {@code email} does in a display name, puts a space
 * between them) showed the halves. Its first word also took no account of the field name before it, so the first line
 * grew past 78 characters. Here every word ends between two user-perceived characters (extended grapheme clusters; one
 * too long for a word on its own is split at its code points) and every line fits into 78.
 */
final class EncodedWords {

    private static final int MAX_LINE = 78;
    /** RFC 2047, 2: an encoded word is at most 75 characters. */
    private static final int MAX_WORD = 75;
    private static final String PREFIX_B = "=?UTF-8?B?";
    private static final String PREFIX_Q = "=?UTF-8?Q?";
    private static final String SUFFIX = "?=";
    private static final Pattern GRAPHEME = Pattern.compile("\\X");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private EncodedWords() {
    }

    /**
     * The text as encoded words separated by folds ({@code CRLF SP}), the first of them to follow {@code used}
     * characters on its line. Q encoding, readable in the raw mail, when most of the text is ASCII, else B; Q only with
     * the characters RFC 2047 allows in a phrase, so the same words serve a subject and a display name.
     */
    static String encode(String text, int used) {
        byte[] all = text.getBytes(StandardCharsets.UTF_8);
        int nonAscii = 0;
        for (byte b : all) {
            if (b < 0) {
                nonAscii++;
            }
        }
        boolean q = nonAscii * 3 < all.length;
        List<String> words = new ArrayList<>();
        StringBuilder qText = new StringBuilder();
        ByteArrayOutputStream bBytes = new ByteArrayOutputStream();
        int room = Math.min(MAX_WORD, MAX_LINE - used);
        Matcher cluster = GRAPHEME.matcher(text);
        while (cluster.find()) {
            for (String piece : pieces(cluster.group(), q)) {
                byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
                int length = q ? wordLength(qText.length() + qLength(bytes), true)
                        : wordLength(base64Length(bBytes.size() + bytes.length), false);
                boolean empty = q ? qText.length() == 0 : bBytes.size() == 0;
                if (length > room && !empty) {
                    words.add(q ? PREFIX_Q + qText + SUFFIX : PREFIX_B + base64(bBytes.toByteArray()) + SUFFIX);
                    qText.setLength(0);
                    bBytes.reset();
                    room = MAX_WORD;
                }
                if (q) {
                    qEncode(bytes, qText);
                } else {
                    bBytes.writeBytes(bytes);
                }
            }
        }
        if (q ? qText.length() > 0 : bBytes.size() > 0) {
            words.add(q ? PREFIX_Q + qText + SUFFIX : PREFIX_B + base64(bBytes.toByteArray()) + SUFFIX);
        }
        return String.join("\r\n ", words);
    }

    /** The cluster whole when it fits into a word alone, else its code points (each fits). */
    private static List<String> pieces(String cluster, boolean q) {
        byte[] bytes = cluster.getBytes(StandardCharsets.UTF_8);
        int length = q ? wordLength(qLength(bytes), true) : wordLength(base64Length(bytes.length), false);
        if (length <= MAX_WORD) {
            return List.of(cluster);
        }
        return cluster.codePoints().mapToObj(Character::toString).toList();
    }

    private static int wordLength(int encodedText, boolean q) {
        return (q ? PREFIX_Q : PREFIX_B).length() + encodedText + SUFFIX.length();
    }

    private static int base64Length(int bytes) {
        return (bytes + 2) / 3 * 4;
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static int qLength(byte[] bytes) {
        int n = 0;
        for (byte b : bytes) {
            n += plain(b) || b == ' ' ? 1 : 3;
        }
        return n;
    }

    private static void qEncode(byte[] bytes, StringBuilder out) {
        for (byte b : bytes) {
            if (b == ' ') {
                out.append('_');
            } else if (plain(b)) {
                out.append((char) b);
            } else {
                out.append('=').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
        }
    }

    /** RFC 2047, 5 (3): what a Q-encoded word in a phrase may hold as it is. */
    private static boolean plain(byte b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
                || b == '!' || b == '*' || b == '+' || b == '-' || b == '/';
    }
}
