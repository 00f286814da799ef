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
 */
final class EncodedWords {

    static final Pattern WORD = Pattern.compile("=\\?([^?\\s]{1,75})\\?([bBqQ])\\?([^?]*)\\?=");

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

    private static void flush(StringBuilder out, ByteArrayOutputStream pending, String charset) {
        if (pending.size() > 0) {
            out.append(MailCharsets.decode(pending.toByteArray(), charset));
            pending.reset();
        }
    }
}
