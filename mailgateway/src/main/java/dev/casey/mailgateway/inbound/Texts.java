package dev.casey.mailgateway.inbound;

/**
 * Trimming and comment removal for header values, in one pass. The patterns they replace ({@code [<>\s]+$},
 * {@code \([^)]*\)}) are tried again from every character of a run that does not end where they need it to, and a
 * header of tens of thousands of spaces or '(' took seconds to minutes.
 */
final class Texts {

    /** The characters {@code \s} stands for in a pattern. */
    static final String WHITESPACE = " \t\n\u000B\f\r";

    private Texts() {
    }

    /** The text without any of {@code leading} at its start and any of {@code trailing} at its end. */
    static String strip(String text, String leading, String trailing) {
        int start = 0;
        int end = text.length();
        while (start < end && leading.indexOf(text.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && trailing.indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        return text.substring(start, end);
    }

    /**
     * The text with each '(' up to the next ')' replaced, as {@code text.replaceAll("\\([^)]*\\)", replacement)} does;
     * an unclosed '(' stays.
     */
    static String withoutParentheses(String text, String replacement) {
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        for (int open = text.indexOf('('); open >= 0; open = text.indexOf('(', from)) {
            int close = text.indexOf(')', open);
            if (close < 0) {
                break;
            }
            out.append(text, from, open).append(replacement);
            from = close + 1;
        }
        return out.append(text, from, text.length()).toString();
    }
}
