package dev.casey.mailgateway.inbound;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 2047 encoded words, decoded the way mail clients do rather than the way the RFC says:
 * Jakarta Mail's {@code MimeUtility.decodeText} is strict unless the JVM-wide system property
 * {@code mail.mime.decodetext.strict} is switched off, and even then it gives up on the common
 * breakages handled here.
 * <ul>
 * <li>words glued to other text are decoded ({@code foo=?utf-8?q?bar?=});</li>
 * <li>words with spaces inside are decoded ({@code =?us-ascii?Q?a b?=});</li>
 * <li>adjacent words of one charset are joined before decoding, because encoders split multi-byte
 * characters across words;</li>
 * <li>bad Base64 padding and unknown charsets degrade instead of failing.</li>
 * </ul>
 * A word whose encoded text is no Base64 or Q at all stays as it was sent: decoding it anyway
 * would put garbage into a case subject, and the raw word at least shows what arrived.
 */
final class EncodedWords {

    static final Pattern WORD = Pattern.compile("=\\?([^?\\s]{1,75})\\?([bBqQ])\\?([^?]*)\\?=");
    /**
     * The Base64 alphabet (also URL-safe), padding anywhere as concatenated encodings pad in the
     * middle, and white space, which folding sometimes leaves inside a word.
     */
    private static final Pattern BASE64_TEXT = Pattern.compile("[A-Za-z0-9+/_\\-=\\s]*");

    private EncodedWords() {
    }

    static boolean containsEncodedWord(String text) {
        return text != null && text.contains("=?") && WORD.matcher(text).find();
    }

    static String decode(String text) {
        if (text == null || !text.contains("=?")) {
            return text;
        }
        Matcher word = WORD.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        String pendingCharset = null;
        int last = 0;
        while (word.find()) {
            String between = text.substring(last, word.start());
            if (!isReadable(word.group(2), word.group(3))) {
                flush(out, pending, pendingCharset);
                pendingCharset = null;
                out.append(between).append(word.group());
                last = word.end();
                continue;
            }
            // Whitespace between two encoded words is not part of the text (RFC 2047 6.2).
            boolean adjacent = pendingCharset != null && between.isBlank();
            if (!adjacent) {
                flush(out, pending, pendingCharset);
                pendingCharset = null;
                out.append(between);
            }
            String charset = word.group(1).toLowerCase(Locale.ROOT);
            byte[] encoded = word.group(3).getBytes(StandardCharsets.UTF_8);
            byte[] bytes = word.group(2).equalsIgnoreCase("b")
                    ? TransferDecoding.base64(encoded)
                    : TransferDecoding.quotedPrintable(encoded, true);
            if (pendingCharset != null && !pendingCharset.equals(charset)) {
                flush(out, pending, pendingCharset);
            }
            pendingCharset = charset;
            pending.writeBytes(bytes);
            last = word.end();
        }
        flush(out, pending, pendingCharset);
        out.append(text, last, text.length());
        return out.toString();
    }

    private static boolean isReadable(String encoding, String encoded) {
        if (encoding.equalsIgnoreCase("q")) {
            // Every "=" starts a hex escape; spaces are tolerated, as some encoders leave them in.
            for (int i = encoded.indexOf('='); i >= 0; i = encoded.indexOf('=', i + 3)) {
                if (i + 2 >= encoded.length() || Character.digit(encoded.charAt(i + 1), 16) < 0
                        || Character.digit(encoded.charAt(i + 2), 16) < 0) {
                    return false;
                }
            }
            return true;
        }
        // One character left over after the groups of four carries no byte: the text was never Base64.
        return BASE64_TEXT.matcher(encoded).matches() && encoded.replaceAll("[=\\s]", "").length() % 4 != 1;
    }

    private static void flush(StringBuilder out, ByteArrayOutputStream pending, String charset) {
        if (pending.size() > 0) {
            out.append(MailCharsets.decode(pending.toByteArray(), charset));
            pending.reset();
        }
    }
}
