package dev.casey.mailgateway.inbound;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns bytes labelled with a MIME charset into text without ever failing: labels as found in the
 * wild are mapped to the Java charset that actually decodes them, and the bytes are allowed to
 * overrule a label that cannot be right.
 */
final class MailCharsets {

    static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    /** A stand-in, because the JDK has no UTF-7 decoder: such labels are decoded by {@link Utf7}. */
    private static final String UTF_7 = "utf-7";

    /**
     * Fewer multi-byte sequences than this are too weak a signal to overrule a multi-byte label
     * that decodes the bytes without error: two GBK or Shift_JIS characters can form valid UTF-8 by
     * chance, three practically never do.
     */
    private static final int CONVINCING_UTF8_SEQUENCES = 3;

    private static final Map<String, String> ALIASES = new HashMap<>();
    private static final Pattern WINDOWS_CODEPAGE = Pattern.compile("(?:windows|win|cp|x-cp|ms)[-_]?(125\\d)");
    private static final Pattern HTML_META_CHARSET = Pattern.compile(
            "<meta[^>]+charset\\s*=\\s*[\"']?\\s*([A-Za-z0-9_:.+-]+)", Pattern.CASE_INSENSITIVE);

    static {
        alias("UTF-8", "utf8", "utf-8", "unicode-1-1-utf-8", "unicode-2-0-utf-8", "x-unicode20utf8",
                "x-utf-8", "utf_8");
        alias(UTF_7, "utf-7", "utf7", "unicode-1-1-utf-7", "x-unicode-1-1-utf-7", "unicode-2-0-utf-7",
                "csunicode11utf7", "x-utf-7");
        // GB18030 is a strict superset of GB2312 and GBK; senders routinely label GBK text GB2312.
        alias("GB18030", "gb2312", "gb_2312-80", "gb_2312", "csgb2312", "x-gbk", "gbk", "cp936", "ms936",
                "windows-936", "euc-cn", "x-euc-cn", "chinese", "iso-ir-58", "csiso58gb231280", "gb18030",
                "x-gb2312", "gb-2312");
        alias("Big5-HKSCS", "big5", "big-5", "cn-big5", "x-x-big5", "csbig5", "big5-hkscs");
        // Windows-949 (Unified Hangul Code) is the superset Outlook really means by these labels.
        alias("x-windows-949", "ks_c_5601-1987", "ks_c_5601", "ks_c_5601-1989", "ksc5601", "ksc_5601",
                "csksc56011987", "iso-ir-149", "korean", "euc-kr", "cseuckr", "windows-949", "cp949",
                "x-windows-949");
        // The -i/-e suffixes only say whether the text is in logical or visual order.
        alias("ISO-8859-8", "iso-8859-8-i", "iso-8859-8-e", "iso_8859-8-i", "csiso88598i", "csiso88598e",
                "logical", "visual");
        alias("ISO-8859-6", "iso-8859-6-i", "iso-8859-6-e", "csiso88596i", "csiso88596e");
        // As in every browser: text labelled Latin-1 or ASCII is in practice Windows-1252.
        alias("windows-1252", "latin1", "l1", "iso8859-1", "iso_8859-1", "iso-8859-1", "iso8859_1",
                "iso_8859-1:1987", "cp819", "ibm819", "iso-ir-100", "csisolatin1", "us-ascii", "ascii",
                "us", "ansi_x3.4-1968", "iso646-us", "ansi", "x-ansi", "windows-1252", "cp1252", "x-cp1252",
                "default", "unknown-8bit", "x-unknown", "8bit");
        alias("windows-31j", "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis",
                "windows-31j", "cp932", "x-ms-cp932", "ms932");
        // The Microsoft variant also knows the NEC rows (circled digits etc.) Japanese mailers use.
        alias("x-windows-iso2022jp", "iso-2022-jp", "csiso2022jp", "jis", "x-iso-2022-jp");
        alias("x-MacRoman", "macintosh", "mac", "x-mac-roman", "macroman", "csmacintosh");
        alias("TIS-620", "tis-620", "windows-874", "cp874", "iso-8859-11", "x-windows-874");
        alias("UTF-16", "unicode", "utf-16", "ucs-2", "iso-10646-ucs-2", "csunicode");
    }

    private MailCharsets() {
    }

    private static void alias(String javaName, String... labels) {
        for (String label : labels) {
            ALIASES.put(label, javaName);
        }
    }

    /** The charset a MIME label means, when it is known; UTF-7 is reported by {@link #isUtf7}. */
    static Optional<Charset> forLabel(String label) {
        String key = normalise(label);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        String mapped = ALIASES.get(key);
        if (UTF_7.equals(mapped)) {
            return Optional.empty();
        }
        if (mapped != null) {
            return lookup(mapped).or(() -> lookup(key));
        }
        Matcher codepage = WINDOWS_CODEPAGE.matcher(key);
        if (codepage.matches()) {
            return lookup("windows-" + codepage.group(1));
        }
        return lookup(key)
                .or(() -> lookup(key.replace('_', '-')))
                .or(() -> key.startsWith("x-") ? lookup(key.substring(2)) : Optional.empty())
                .map(found -> found.equals(StandardCharsets.ISO_8859_1) || found.equals(StandardCharsets.US_ASCII)
                        ? WINDOWS_1252 : found);
    }

    static boolean isUtf7(String label) {
        return UTF_7.equals(ALIASES.get(normalise(label)));
    }

    private static String normalise(String label) {
        if (label == null) {
            return "";
        }
        String key = label.trim().toLowerCase(Locale.ROOT);
        // RFC 2231 allows a language suffix in encoded words: =?utf-8*de?Q?...?=
        int star = key.indexOf('*');
        if (star >= 0) {
            key = key.substring(0, star);
        }
        return Texts.strip(key, "\"'", "\"';,").trim();
    }

    private static Optional<Charset> lookup(String name) {
        try {
            return Charset.isSupported(name) ? Optional.of(Charset.forName(name)) : Optional.empty();
        } catch (IllegalArgumentException invalidName) {
            return Optional.empty();
        }
    }

    /**
     * Decodes bytes that claim to be in the given charset (null or blank when none was declared).
     * The decision, in order: seven-bit encodings (UTF-7, ISO-2022) are decoded as labelled unless
     * eight-bit bytes prove the label wrong, in which case the eight-bit sibling stands in; plain
     * ASCII needs no decision; valid UTF-8 wins over a single-byte label, over a label that cannot
     * decode the bytes, and over any label once it is convincing (mislabelled UTF-8 is by far the
     * most common charset error, while legacy text almost never happens to be valid UTF-8); then
     * the label strictly; then UTF-8 or Windows-1252, whichever fits; the label with replacement
     * characters only as the last resort.
     */
    static String decode(byte[] bytes, String label) {
        if (bytes.length == 0) {
            return "";
        }
        if (isUtf7(label)) {
            return Utf7.decode(bytes);
        }
        Optional<Charset> declared = forLabel(label);
        boolean ascii = isAscii(bytes);
        if (declared.isPresent() && decodesOnlyAsLabelled(declared.get())) {
            if (ascii || !isSevenBit(declared.get())) {
                return new String(bytes, declared.get());
            }
            // Eight-bit bytes cannot be ISO-2022: the sender used the 8-bit sibling of that encoding.
            declared = eightBitSibling(declared.get());
        }
        if (ascii) {
            return new String(bytes, StandardCharsets.US_ASCII);
        }
        int utf8Sequences = countUtf8Sequences(bytes);
        boolean validUtf8 = utf8Sequences >= 0;
        if (declared.isEmpty()) {
            return validUtf8 ? new String(bytes, StandardCharsets.UTF_8) : utf8OrWindows1252(bytes);
        }
        Charset charset = declared.get();
        if (charset.equals(StandardCharsets.UTF_8)) {
            return validUtf8 ? new String(bytes, StandardCharsets.UTF_8) : utf8OrWindows1252(bytes);
        }
        if (validUtf8 && (isSingleByte(charset) || utf8Sequences >= CONVINCING_UTF8_SEQUENCES)) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        Optional<String> strict = decodeStrictly(bytes, charset);
        if (strict.isPresent()) {
            return strict.get();
        }
        if (validUtf8) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return new String(bytes, charset);
    }

    /**
     * For bytes whose declared UTF-8 is broken, or that declare nothing and are not UTF-8: if some
     * sequences are valid UTF-8 the text is mostly UTF-8 with a few damaged bytes, otherwise it is
     * an eight-bit legacy text, most likely Windows-1252.
     */
    private static String utf8OrWindows1252(byte[] bytes) {
        return hasSomeUtf8Sequence(bytes)
                ? new String(bytes, StandardCharsets.UTF_8)
                : new String(bytes, WINDOWS_1252);
    }

    /** The charset an HTML part declares in a meta element, for parts whose header names none. */
    static Optional<String> sniffHtmlCharset(byte[] html) {
        String head = new String(html, 0, Math.min(html.length, 4096), StandardCharsets.ISO_8859_1);
        Matcher matcher = HTML_META_CHARSET.matcher(head);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /** Number of multi-byte UTF-8 sequences, or -1 when the bytes are not valid UTF-8. */
    static int countUtf8Sequences(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            decoder.decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException notUtf8) {
            return -1;
        }
        int sequences = 0;
        for (byte b : bytes) {
            if ((b & 0xC0) == 0xC0) {
                sequences++;
            }
        }
        return sequences;
    }

    private static boolean hasSomeUtf8Sequence(byte[] bytes) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            int lead = bytes[i] & 0xFF;
            int length = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 && lead <= 0xEF ? 3
                    : lead >= 0xC2 && lead <= 0xDF ? 2 : 0;
            if (length > 0 && i + length <= bytes.length && continuationBytes(bytes, i + 1, length - 1)) {
                return true;
            }
        }
        return false;
    }

    private static boolean continuationBytes(byte[] bytes, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if ((bytes[i] & 0xC0) != 0x80) {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> decodeStrictly(byte[] bytes, Charset charset) {
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
            return Optional.of(chars.toString());
        } catch (CharacterCodingException | RuntimeException notThisCharset) {
            return Optional.empty();
        }
    }

    private static boolean isSevenBit(Charset charset) {
        return charset.name().contains("2022");
    }

    /** The eight-bit encoding of the same language that a mislabelled ISO-2022 text most likely is. */
    private static Optional<Charset> eightBitSibling(Charset sevenBit) {
        String name = sevenBit.name().toLowerCase(Locale.ROOT);
        if (name.contains("kr")) {
            return lookup("x-windows-949");
        }
        if (name.contains("cn")) {
            return lookup("GB18030");
        }
        return lookup("windows-31j");
    }

    /** Seven-bit stateful encodings and UTF-16/32 look like ASCII or garbage to every other test. */
    private static boolean decodesOnlyAsLabelled(Charset charset) {
        String name = charset.name().toLowerCase(Locale.ROOT);
        return name.contains("2022") || name.startsWith("utf-16") || name.startsWith("utf-32");
    }

    private static boolean isSingleByte(Charset charset) {
        try {
            return charset.newEncoder().maxBytesPerChar() <= 1.0f;
        } catch (UnsupportedOperationException decodeOnly) {
            return false;
        }
    }

    /** A small decoder for RFC 2152 UTF-7, which the JDK does not ship. */
    static final class Utf7 {

        private static final String ALPHABET =
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

        private Utf7() {
        }

        static String decode(byte[] bytes) {
            StringBuilder text = new StringBuilder(bytes.length);
            int i = 0;
            while (i < bytes.length) {
                char c = (char) (bytes[i] & 0xFF);
                if (c != '+') {
                    text.append(c);
                    i++;
                    continue;
                }
                i++;
                if (i < bytes.length && bytes[i] == '-') {
                    text.append('+');
                    i++;
                    continue;
                }
                int bits = 0;
                int bitCount = 0;
                while (i < bytes.length && ALPHABET.indexOf(bytes[i]) >= 0) {
                    bits = (bits << 6) | ALPHABET.indexOf(bytes[i]);
                    bitCount += 6;
                    if (bitCount >= 16) {
                        bitCount -= 16;
                        text.append((char) ((bits >> bitCount) & 0xFFFF));
                    }
                    i++;
                }
                if (i < bytes.length && bytes[i] == '-') {
                    i++;
                }
            }
            return text.toString();
        }
    }
}
