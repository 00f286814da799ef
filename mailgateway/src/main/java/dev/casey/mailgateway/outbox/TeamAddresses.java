package dev.casey.mailgateway.outbox;

import java.util.Comparator;
import java.util.List;
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

    private TeamAddresses() {
    }

    static UnaryOperator<String> maskedFor(List<String> teamAddresses, String supportAddress) {
        if (teamAddresses.isEmpty()) {
            return UnaryOperator.identity();
        }
        Pattern any = Pattern.compile("(?<![\\w.+-])(?:" + teamAddresses.stream()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote).collect(Collectors.joining("|")) + ")(?![\\w-])", Pattern.CASE_INSENSITIVE);
        String replacement = Matcher.quoteReplacement(supportAddress);
        return text -> text == null ? null : any.matcher(text).replaceAll(replacement);
    }
}
