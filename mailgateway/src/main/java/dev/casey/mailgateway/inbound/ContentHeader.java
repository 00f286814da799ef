package dev.casey.mailgateway.inbound;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed Content-Type or Content-Disposition: the lower-case value and its parameters, with
 * RFC 2231 continuations and charsets already resolved. Parsing never fails; what cannot be
 * understood is left out.
 *
 * @param value      "type/subtype" or the disposition type, lower case, possibly empty
 * @param parameters parameter values by lower-case name
 */
record ContentHeader(String value, Map<String, String> parameters) {

    /** Only from the start of a run of whitespace: tried from within every run, it took seconds for a long value. */
    private static final Pattern COMMENT_AFTER_TOKEN = Pattern.compile("(?<!\\s)\\s++\\(.*$");
    private static final Pattern EXTENDED_NAME = Pattern.compile("([^*]+)\\*(\\d{1,3})?(\\*)?");

    ContentHeader {
        parameters = Map.copyOf(parameters);
    }

    String parameter(String name) {
        return parameters.get(name.toLowerCase(Locale.ROOT));
    }

    static ContentHeader parse(String header) {
        List<String> segments = splitOutsideQuotes(header == null ? "" : header);
        String value = segments.isEmpty() ? "" : clean(segments.get(0));
        Map<String, String> plain = new LinkedHashMap<>();
        Map<String, TreeMap<Integer, String[]>> extended = new LinkedHashMap<>();
        for (String segment : segments.subList(Math.min(1, segments.size()), segments.size())) {
            int equals = segment.indexOf('=');
            if (equals <= 0) {
                continue;
            }
            String name = segment.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            String rawValue = unquote(segment.substring(equals + 1).trim());
            Matcher rfc2231 = EXTENDED_NAME.matcher(name);
            if (rfc2231.matches()) {
                int section = rfc2231.group(2) == null ? 0 : Integer.parseInt(rfc2231.group(2));
                String encodedFlag = rfc2231.group(3) != null || rfc2231.group(2) == null ? "*" : "";
                extended.computeIfAbsent(rfc2231.group(1), key -> new TreeMap<>())
                        .putIfAbsent(section, new String[] {rawValue, encodedFlag});
            } else {
                plain.putIfAbsent(name, rawValue);
            }
        }
        Map<String, String> parameters = new LinkedHashMap<>(plain);
        extended.forEach((name, sections) -> parameters.put(name, joinSections(sections)));
        return new ContentHeader(value, parameters);
    }

    private static String clean(String value) {
        return Texts.withoutParentheses(value, "").replace("\"", "").trim().toLowerCase(Locale.ROOT);
    }

    /** Splits at semicolons that are not inside a quoted string. */
    private static List<String> splitOutsideQuotes(String header) {
        List<String> segments = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '\\' && quoted && i + 1 < header.length()) {
                current.append(c).append(header.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ';' && !quoted) {
                segments.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        segments.add(current.toString());
        return segments;
    }

    /**
     * Removes the quotes of a quoted-string. Backslash escapes only a quote or a backslash: Windows
     * clients put unescaped paths like "C:\temp\a.txt" into filename parameters.
     */
    private static String unquote(String value) {
        if (!value.startsWith("\"")) {
            // A token ends at whitespace; what follows is a comment or garbage.
            String token = COMMENT_AFTER_TOKEN.matcher(value).replaceAll("").trim();
            return token.isEmpty() ? value : token;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() && (value.charAt(i + 1) == '"' || value.charAt(i + 1) == '\\')) {
                out.append(value.charAt(++i));
            } else if (c == '"') {
                break;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** RFC 2231: concatenates sections, percent-decoding the encoded ones, then applies the charset. */
    private static String joinSections(TreeMap<Integer, String[]> sections) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String charset = null;
        boolean first = true;
        for (String[] section : sections.values()) {
            String text = section[0];
            boolean encoded = !section[1].isEmpty();
            if (first && encoded) {
                int quote = text.indexOf('\'');
                int secondQuote = quote < 0 ? -1 : text.indexOf('\'', quote + 1);
                if (secondQuote > 0) {
                    charset = text.substring(0, quote);
                    text = text.substring(secondQuote + 1);
                }
            }
            first = false;
            byte[] part = encoded ? percentDecode(text) : text.getBytes(StandardCharsets.UTF_8);
            bytes.writeBytes(part);
        }
        return MailCharsets.decode(bytes.toByteArray(), charset);
    }

    private static byte[] percentDecode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        byte[] chars = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] == '%' && i + 2 < chars.length
                    && Character.digit(chars[i + 1], 16) >= 0 && Character.digit(chars[i + 2], 16) >= 0) {
                out.write(Character.digit(chars[i + 1], 16) * 16 + Character.digit(chars[i + 2], 16));
                i += 2;
            } else {
                out.write(chars[i]);
            }
        }
        return out.toByteArray();
    }
}
