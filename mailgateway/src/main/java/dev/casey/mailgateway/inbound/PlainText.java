package dev.casey.mailgateway.inbound;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Small text clean-ups shared by the body extraction steps. */
final class PlainText {

    /**
     * Zero-width joiners and non-joiners are text between two characters: they make one emoji of a family or a
     * profession, and a Persian or Indic word is spelt with them. Alone, or next to white space, they are the padding of
     * HTML newsletters and previews, as are the other invisible characters wherever they stand.
     */
    private static final Pattern INVISIBLE = Pattern.compile(
            "[\\u200B\\u2060\\uFEFF\\u0000]|(?<!\\S)[\\u200C\\u200D]+|[\\u200C\\u200D]+(?!\\S)");
    private static final Pattern QUOTE_PREFIX = Pattern.compile("^(>+) ?");

    private PlainText() {
    }

    /** LF line ends, no invisible padding, no trailing blanks, at most one empty line in a row. */
    static String tidy(String text) {
        String normalised = INVISIBLE.matcher(text.replace("\r\n", "\n").replace('\r', '\n')).replaceAll("");
        StringBuilder out = new StringBuilder(normalised.length());
        int emptyLines = 0;
        for (String line : normalised.split("\n", -1)) {
            // The signature separator is the one line whose trailing space means something.
            String trimmed = line.equals("-- ") ? line : line.stripTrailing();
            if (trimmed.isEmpty()) {
                emptyLines++;
                if (emptyLines > 1 || out.length() == 0) {
                    continue;
                }
            } else {
                emptyLines = 0;
            }
            out.append(trimmed).append('\n');
        }
        return out.toString().strip().isEmpty() ? "" : stripBlankEdges(out.toString());
    }

    /** Removes empty lines at both ends, keeping the indentation of the first line. */
    static String stripBlankEdges(String text) {
        String withoutTrailing = text.stripTrailing();
        int start = 0;
        while (start < withoutTrailing.length()) {
            int lineEnd = withoutTrailing.indexOf('\n', start);
            if (lineEnd < 0 || !withoutTrailing.substring(start, lineEnd).isBlank()) {
                break;
            }
            start = lineEnd + 1;
        }
        return withoutTrailing.substring(start);
    }

    /**
     * Joins the soft line breaks of RFC 3676 format=flowed text: a line ending in a space continues
     * on the next line of the same quote depth. The signature separator "-- " is never flowed.
     */
    static String unflow(String text, boolean deleteSpace) {
        List<String> lines = new ArrayList<>();
        StringBuilder paragraph = null;
        int paragraphDepth = -1;
        for (String line : text.replace("\r\n", "\n").split("\n", -1)) {
            var prefix = QUOTE_PREFIX.matcher(line);
            int depth = 0;
            String content = line;
            if (prefix.find()) {
                depth = prefix.group(1).length();
                content = line.substring(prefix.end());
            } else if (line.startsWith(" ")) {
                // Space-stuffing (RFC 3676 4.4).
                content = line.substring(1);
            }
            if (paragraph != null && depth != paragraphDepth) {
                lines.add(quoted(paragraphDepth, paragraph.toString()));
                paragraph = null;
            }
            boolean soft = content.endsWith(" ") && !content.equals("-- ");
            String piece = soft && deleteSpace ? content.substring(0, content.length() - 1) : content;
            if (paragraph == null) {
                paragraph = new StringBuilder(piece);
                paragraphDepth = depth;
            } else {
                paragraph.append(piece);
            }
            if (!soft) {
                lines.add(quoted(depth, paragraph.toString()));
                paragraph = null;
            }
        }
        if (paragraph != null) {
            lines.add(quoted(paragraphDepth, paragraph.toString()));
        }
        return String.join("\n", lines);
    }

    private static String quoted(int depth, String content) {
        return depth == 0 ? content : ">".repeat(depth) + " " + content;
    }
}
