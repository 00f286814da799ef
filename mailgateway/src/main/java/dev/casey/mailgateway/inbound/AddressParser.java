package dev.casey.mailgateway.inbound;

import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lenient RFC 5322 address-list parsing. Jakarta Mail's {@code InternetAddress.parseHeader} splits
 * at a comma inside an unquoted encoded word ({@code =?iso-8859-1?Q?M=FCller,_Hans?= <h@x>} gives
 * two bogus addresses) and decodes nothing we could check, so the list is parsed here: encoded
 * words are atoms, and only the display name is ever RFC 2047 decoded.
 */
final class AddressParser {

    private static final Pattern LOCAL_PART = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s\"(),:;<>@\\[\\\\\\]]+");
    /** Only from the start of a run of whitespace: tried from within every run, it took seconds for a long address. */
    private static final Pattern SPACED_AT = Pattern.compile("(?<!\\s)\\s*+@\\s*+");
    private static final Pattern DOMAIN = Pattern.compile("\\[[^\\[\\]\\\\]*]|[^\\s\"(),:;<>@\\[\\\\\\]]+");
    private static final int MAX_ADDRESS_LENGTH = 320;

    private AddressParser() {
    }

    /** Every plausible mailbox of an address header, in order; unusable entries are left out. */
    static List<MailAddress> parseList(String header) {
        List<MailAddress> addresses = new ArrayList<>();
        if (header == null) {
            return addresses;
        }
        for (String element : splitElements(header)) {
            parseMailbox(element).ifPresent(addresses::add);
        }
        return addresses;
    }

    /**
     * An address is plausible when it is local@domain with a dot-atom-like or quoted local part
     * (non-ASCII allowed, RFC 6531) and contains no encoded word: RFC 2047 forbids encoded words
     * in an addr-spec, and decoding one would let "=?utf-8?q?ceo=40corp.example?=@evil.example"
     * pass for someone else.
     */
    static boolean isPlausible(String address) {
        if (address == null || address.length() > MAX_ADDRESS_LENGTH || EncodedWords.containsEncodedWord(address)
                || address.contains("=?")) {
            return false;
        }
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return false;
        }
        return LOCAL_PART.matcher(address.substring(0, at)).matches()
                && DOMAIN.matcher(address.substring(at + 1)).matches();
    }

    /**
     * Splits at top-level commas and semicolons. Quoted strings, comments, angle brackets and
     * encoded words are opaque; a group name ("undisclosed-recipients:") is dropped.
     */
    static List<String> splitElements(String header) {
        List<String> elements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        Matcher encodedWord = EncodedWords.WORD.matcher(header);
        int i = 0;
        while (i < header.length()) {
            char c = header.charAt(i);
            if (c == '=' && i + 1 < header.length() && header.charAt(i + 1) == '?'
                    && encodedWord.region(i, header.length()).lookingAt()) {
                current.append(header, i, encodedWord.end());
                i = encodedWord.end();
                continue;
            }
            if (c == '"') {
                int end = skipQuoted(header, i);
                current.append(header, i, end);
                i = end;
                continue;
            }
            if (c == '(') {
                int end = skipComment(header, i);
                current.append(header, i, end);
                i = end;
                continue;
            }
            if (c == '<') {
                int end = header.indexOf('>', i);
                end = end < 0 ? header.length() : end + 1;
                current.append(header, i, end);
                i = end;
                continue;
            }
            if (c == ':' && current.indexOf("@") < 0 && current.indexOf("<") < 0) {
                current.setLength(0);
            } else if (c == ',' || c == ';') {
                elements.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
            i++;
        }
        elements.add(current.toString());
        return elements.stream().map(String::trim).filter(element -> !element.isEmpty()).toList();
    }

    private static int skipQuoted(String text, int start) {
        for (int i = start + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1;
            }
        }
        return text.length();
    }

    private static int skipComment(String text, int start) {
        int depth = 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i + 1;
            }
        }
        return text.length();
    }

    static Optional<MailAddress> parseMailbox(String element) {
        int open = topLevelIndexOf(element, '<');
        String address;
        String phrase;
        String comment;
        if (open >= 0) {
            int close = element.indexOf('>', open);
            String inside = element.substring(open + 1, close < 0 ? element.length() : close);
            address = cleanAddress(withoutComments(inside).text());
            // A comment in the phrase is no part of the name: "MAILER-DAEMON (Mail Delivery System) <...>".
            Stripped phraseParts = withoutComments(element.substring(0, open));
            phrase = phraseParts.text();
            comment = phraseParts.comment() != null ? phraseParts.comment()
                    : close < 0 ? null : withoutComments(element.substring(close + 1)).comment();
        } else {
            Stripped stripped = withoutComments(element);
            comment = stripped.comment();
            String rest = Texts.strip(stripped.text(), "<>" + Texts.WHITESPACE, "<>" + Texts.WHITESPACE);
            // "Test test@example.com": a display name without angle brackets.
            String[] words = splitOutsideQuotes(rest);
            int addressWord = -1;
            for (int i = words.length - 1; i >= 0; i--) {
                if (words[i].contains("@")) {
                    addressWord = i;
                    break;
                }
            }
            if (addressWord < 0) {
                address = cleanAddress(rest);
                phrase = "";
            } else {
                address = cleanAddress(words[addressWord]);
                List<String> others = new ArrayList<>(List.of(words));
                others.remove(addressWord);
                phrase = String.join(" ", others);
            }
        }
        if (!isPlausible(address)) {
            return Optional.empty();
        }
        String name = decodePhrase(phrase);
        if (name == null && comment != null) {
            name = decodePhrase(comment);
        }
        return Optional.of(new MailAddress(withAsciiDomain(address), name));
    }

    /**
     * The address with an internationalised domain in its ASCII form (IDNA A-labels, RFC 5890), when the local part is
     * ASCII: a client that may send UTF-8 headers (RFC 6532) writes {@code kunde@münchen.example} as it was typed, and
     * that is the mailbox {@code kunde@xn--mnchen-3ya.example}, the only spelling the HTTP API, the cases and SMTP
     * without SMTPUTF8 know; without it such a customer's every mail went to quarantine. A domain with a character
     * IDNA 2003 (java.net.IDN) maps otherwise than IDNA 2008 ({@code ß}, final sigma, joiners), or one it does not know,
     * is left as written: it could name another domain.
     */
    static String withAsciiDomain(String address) {
        int at = address.lastIndexOf('@');
        String domain = address.substring(at + 1);
        if (domain.chars().allMatch(c -> c < 0x80) || address.substring(0, at).chars().anyMatch(c -> c >= 0x80)
                || domain.chars().anyMatch(c -> c == '\u00DF' || c == '\u03C2' || c == '\u200C' || c == '\u200D')) {
            return address;
        }
        try {
            return address.substring(0, at + 1) + IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            return address;
        }
    }

    private static String cleanAddress(String raw) {
        String address = SPACED_AT.matcher(raw).replaceAll("@").trim();
        if (address.regionMatches(true, 0, "mailto:", 0, 7)) {
            address = address.substring(7);
        }
        // Obsolete source route: <@relay1,@relay2:user@host>.
        if (address.startsWith("@") && address.indexOf(':') > 0) {
            address = address.substring(address.indexOf(':') + 1);
        }
        return Texts.strip(address, "<>'" + Texts.WHITESPACE, "<>'" + Texts.WHITESPACE);
    }

    /** The display name: quotes removed, RFC 2047 decoded, whitespace collapsed; null when empty. */
    static String decodePhrase(String phrase) {
        if (phrase == null) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < phrase.length(); i++) {
            char c = phrase.charAt(i);
            if (c == '\\' && i + 1 < phrase.length()) {
                text.append(phrase.charAt(++i));
            } else if (c != '"') {
                text.append(c);
            }
        }
        String decoded = EncodedWords.decode(text.toString())
                .replaceAll("[\\s\\p{Cntrl}]+", " ")
                .trim();
        return decoded.isEmpty() ? null : decoded;
    }

    private record Stripped(String text, String comment) {
    }

    /** Removes comments outside quoted strings, keeping the first one's text as a name candidate. */
    private static Stripped withoutComments(String text) {
        StringBuilder out = new StringBuilder();
        String firstComment = null;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                int end = skipQuoted(text, i);
                out.append(text, i, end);
                i = end;
            } else if (c == '(') {
                int end = skipComment(text, i);
                if (firstComment == null) {
                    firstComment = text.substring(i + 1, Math.max(i + 1, end - 1));
                }
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return new Stripped(out.toString(), firstComment);
    }

    private static int topLevelIndexOf(String text, char wanted) {
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == wanted) {
                return i;
            }
            if (c == '"') {
                i = skipQuoted(text, i);
            } else if (c == '(') {
                i = skipComment(text, i);
            } else {
                i++;
            }
        }
        return -1;
    }

    private static String[] splitOutsideQuotes(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                int end = skipQuoted(text, i);
                current.append(text, i, end);
                i = end;
            } else if (Character.isWhitespace(c)) {
                if (current.length() > 0) {
                    words.add(current.toString());
                    current.setLength(0);
                }
                i++;
            } else {
                current.append(c);
                i++;
            }
        }
        if (current.length() > 0) {
            words.add(current.toString());
        }
        return words.toArray(String[]::new);
    }
}
