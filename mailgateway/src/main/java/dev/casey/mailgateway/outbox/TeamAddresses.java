package dev.casey.mailgateway.outbox;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keeps team members' addresses inside the team: in what is relayed to customers (a signature, a
 * quoted mail), each is replaced by the support address, so the customer still answers the one
 * address they know.
 */
final class TeamAddresses {

    /**
     * Where a masked address may start: not inside a longer address, but right after a percent-escape, as in
     * {@code mailto:Ben%20%3Cben%40team.tld%3E}.
     */
    private static final String START = "(?:(?<![\\w.+-])|(?<=%[0-9A-Fa-f]{2}))";
    private static final String END = "(?![\\w-])";
    /**
     * What may stand around the characters of a local part without changing the mailbox: quotes and quoted pairs
     * ({@code "ben"@team.tld}, {@code "b\en"@team.tld} are ben@team.tld), as themselves or percent-encoded. Allowed
     * anywhere in it, which also masks a few spellings that are no address at all: harmless, as they spell the address.
     */
    private static final String QUOTING = "(?:\"|\\\\|%22|%2522|%5C|%255C)*";

    private TeamAddresses() {
    }

    static UnaryOperator<String> maskedFor(List<String> teamAddresses, String supportAddress) {
        if (teamAddresses.isEmpty()) {
            return UnaryOperator.identity();
        }
        Pattern any = Pattern.compile(START + "(?:" + teamAddresses.stream()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .map(TeamAddresses::literalOrPercentEncoded).collect(Collectors.joining("|")) + ")" + END,
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        String replacement = Matcher.quoteReplacement(supportAddress);
        return text -> text == null || !mayHoldAnAddress(text) ? text : any.matcher(text).replaceAll(replacement);
    }

    /**
     * Whether the text has one of the forms of '@' a masked address is written with ({@link #literalOrPercentEncoded}):
     * most texts have none, and the pattern, tried at each of their characters, was about 5 % of a message's CPU.
     */
    private static boolean mayHoldAnAddress(String text) {
        return text.indexOf('@') >= 0 || text.indexOf('%') >= 0 || text.indexOf('&') >= 0;
    }

    /**
     * The address with each character as itself or percent-encoded, once or twice (either case of hex digit): HTML
     * mail turned into text keeps its links, and a mail client decodes {@code mailto:ben%40team.tld} back into the
     * address, as a link wrapper does {@code ben%2540team.tld}; its '@' may be an HTML character reference and its
     * local part quoted ({@link #QUOTING}).
     */
    private static String literalOrPercentEncoded(String address) {
        StringBuilder b = new StringBuilder();
        int at = address.lastIndexOf('@');
        for (int i = 0; i < address.length(); i += Character.charCount(address.codePointAt(i))) {
            if (i <= at) {
                b.append(QUOTING);
            }
            String c = new String(Character.toChars(address.codePointAt(i)));
            StringBuilder encoded = new StringBuilder();
            for (byte octet : c.getBytes(StandardCharsets.UTF_8)) {
                encoded.append('%').append(String.format(Locale.ROOT, "%02X", octet & 0xFF));
            }
            // CASE_INSENSITIVE covers %2e as well as %2E; a link wrapped by a tracker is encoded once more (%2540)
            b.append("(?:").append(Pattern.quote(c)).append('|').append(Pattern.quote(encoded.toString()))
                    .append('|').append(Pattern.quote(encoded.toString().replace("%", "%25")));
            if (i == at) {
                // HTML written as text, or escaped once too often, still reads as the address (each form of '@' has
                // a character mayHoldAnAddress looks for)
                b.append("|&#0*64;|&#x0*40;|&commat;");
            }
            b.append(')');
        }
        return b.toString();
    }
}
