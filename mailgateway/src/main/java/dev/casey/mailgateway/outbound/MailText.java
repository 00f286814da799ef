package dev.casey.mailgateway.outbound;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sanitising of the texts and addresses that go into a mail (package-private helpers). */
public final class MailText {

    /** Longest display name kept (code points); longer ones are cut and end in an ellipsis. */
    static final int MAX_NAME = 100;
    /** Longest case subject kept (code points). */
    static final int MAX_SUBJECT = 200;

    private static final String AT_SIGNS = "@\uFF20\uFE6B"; // @, fullwidth @, small @
    private static final Pattern ADDRESS_LIKE = Pattern.compile(
            "([^\\s" + AT_SIGNS + "<>()\\[\\],;:\"]+)[" + AT_SIGNS + "][^\\s" + AT_SIGNS + "<>()\\[\\],;:\"]*");
    private static final Pattern STRAY_AT = Pattern.compile("[" + AT_SIGNS + "]");
    private static final Pattern GRAPHEME = Pattern.compile("\\X");

    /** An addr-spec as we accept it: dot-atom local part, host name domain, ASCII only. */
    private static final Pattern ADDRESS = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*");

    private MailText() {
    }

    /**
     * One line of header-safe text: control characters (CR, LF, TAB, …), line and paragraph
     * separators and any run of white space become a single space; bidirectional embedding and
     * override characters are dropped (they could turn "X via Support" around); lone surrogates become
     * U+FFFD; the result is trimmed, cut to {@code max} code points, and "=?" is broken up so that no
     * mail reader decodes the text as an RFC 2047 encoded word. Null stays null.
     */
    static String oneLine(String text, int max) {
        if (text == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(text.length());
        boolean pendingSpace = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (isBidiControl(cp)) {
                continue;
            }
            if (Character.isISOControl(cp) || Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace && b.length() > 0) {
                b.append(' ');
            }
            pendingSpace = false;
            b.appendCodePoint(Character.charCount(cp) == 1 && Character.isSurrogate((char) cp) ? 0xFFFD : cp);
        }
        return shortened(b.toString().replace("=?", "= ?"), max);
    }

    /**
     * The text as it is when it has at most {@code max} code points, else its {@link #prefix} ending in an ellipsis
     * that keeps it within them.
     */
    public static String shortened(String text, int max) {
        if (text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        return prefix(text, max - 1).stripTrailing() + "\u2026";
    }

    /**
     * The longest start of the text of at most {@code codePoints} code points that ends between two user-perceived
     * characters (extended grapheme clusters): cut at a code point, a flag lost half of its letters, a family emoji
     * its last members, an accented letter written with a combining mark its accent. A first cluster longer than
     * that on its own is cut at the code point.
     */
    static String prefix(String text, int codePoints) {
        if (text.codePointCount(0, text.length()) <= codePoints) {
            return text;
        }
        int limit = text.offsetByCodePoints(0, codePoints);
        Matcher cluster = GRAPHEME.matcher(text);
        int end = 0;
        while (cluster.find() && cluster.end() <= limit) {
            end = cluster.end();
        }
        return text.substring(0, end == 0 ? limit : end);
    }

    /**
     * A display name: {@link #oneLine}, cut to {@link #MAX_NAME}; blank becomes null. Addresses in it stay as
     * written: the composer quotes or encodes the whole name, so they can never become the sender's address, and
     * team members' addresses are masked for customers before a mail is drafted.
     */
    static String name(String name) {
        String s = oneLine(name, MAX_NAME);
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * The name a mail is shown as sent by ({@code "<name> via <support name>"}): every address-looking token cut to
     * its local part and every other at sign dropped. There a mail client shows it as the sender, and a name such as
     * {@code ben@team.tld} would pass for a team member's mail.
     */
    static String senderName(String name) {
        String s = oneLine(withoutAddresses(name), MAX_NAME);
        return s == null || s.isEmpty() ? null : s;
    }

    /** Every address-looking token cut to its local part, every other at sign a space. */
    static String withoutAddresses(String text) {
        return text == null ? null : STRAY_AT.matcher(ADDRESS_LIKE.matcher(text).replaceAll("$1")).replaceAll(" ");
    }

    /**
     * A multi-line text (a message body): line breaks normalised to LF (also U+2028/U+2029/NEL), other
     * control characters except TAB dropped, lone surrogates replaced, leading blank lines and trailing
     * white space removed. The content itself (addresses included) is relayed as written. Null becomes "".
     */
    static String multiLine(String text) {
        if (text == null) {
            return "";
        }
        String s = text.replace("\r\n", "\n").replace('\r', '\n')
                .replace('\u2028', '\n').replace('\u2029', '\n').replace('\u0085', '\n');
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\n' || cp == '\t') {
                b.append((char) cp);
            } else if (Character.isISOControl(cp)) {
                continue;
            } else if (Character.charCount(cp) == 1 && Character.isSurrogate((char) cp)) {
                b.append('\uFFFD');
            } else {
                b.appendCodePoint(cp);
            }
        }
        String r = b.toString().stripTrailing();
        int start = 0;
        for (int i = 0; i < r.length(); i++) {
            char c = r.charAt(i);
            if (c == '\n') {
                start = i + 1;
            } else if (c != ' ' && c != '\t') {
                break;
            }
        }
        return r.substring(start);
    }

    /** The address, trimmed, if it is a plain ASCII addr-spec ({@code local@domain}); else IllegalArgumentException. */
    static String requireAddress(String address, String what) {
        if (address == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        String a = address.trim();
        if (!ADDRESS.matcher(a).matches() || a.length() > 254) {
            throw new IllegalArgumentException(what + " is not a plain e-mail address: '" + printable(a) + "'");
        }
        return a;
    }

    static String domain(String address) {
        return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    /** For error messages: the text with control characters shown as {@code ?}, cut to 100 characters. */
    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        String p = s.codePoints().map(cp -> Character.isISOControl(cp) ? '?' : cp)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return p.length() > 100 ? p.substring(0, 100) + "…" : p;
    }

    private static boolean isBidiControl(int cp) {
        return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
    }
}
