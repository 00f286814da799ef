package dev.casey.mailgateway.inbound;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the support mailbox's own mail server found of a mail's sender, from its {@code Authentication-Results} header
 * (RFC 8601). Only the topmost header naming that server's authserv-id counts: the server adds it above everything the
 * sender wrote, and removes headers with its own id that came from outside; anything else in the mail is the sender's
 * say-so.
 */
final class SenderAuthentication {

    /** The server's verdict on the From address. */
    enum Verdict {
        /** DMARC passed, or a DKIM signature verified. */
        PASS,
        /** DMARC failed, or (without DMARC) SPF failed and no DKIM signature verified: the From is not the sender's. */
        FAIL,
        /** Nothing either way: no header of that server, or results that prove nothing. */
        NONE
    }

    /** The server's finding, with what it said, for the log and the quarantine reason. */
    record Finding(Verdict verdict, String results) {
    }

    private static final Pattern COMMENT = Pattern.compile("\\([^()]*\\)");
    private static final Pattern METHOD = Pattern.compile("^\\s*([a-z0-9_-]+)\\s*=\\s*([a-z0-9_-]+)", Pattern.CASE_INSENSITIVE);
    /** Comments nest; a few levels are all a real header has. */
    private static final int COMMENT_ROUNDS = 4;

    private SenderAuthentication() {
    }

    /** The verdict of the server named {@code authservId} on this mail's headers, top first. */
    static Finding of(List<String> authenticationResults, String authservId) {
        for (String header : authenticationResults) {
            String value = withoutComments(header);
            String[] parts = value.split(";");
            String[] id = parts[0].strip().split("\\s+");
            if (!id[0].equalsIgnoreCase(authservId)) {
                continue;
            }
            Map<String, List<String>> results = new HashMap<>();
            for (int i = 1; i < parts.length; i++) {
                Matcher method = METHOD.matcher(parts[i]);
                if (method.find()) {
                    results.computeIfAbsent(method.group(1).toLowerCase(Locale.ROOT), m -> new ArrayList<>())
                            .add(method.group(2).toLowerCase(Locale.ROOT));
                }
            }
            return new Finding(verdict(results), value.strip());
        }
        return new Finding(Verdict.NONE, null);
    }

    private static Verdict verdict(Map<String, List<String>> results) {
        List<String> dmarc = results.getOrDefault("dmarc", List.of());
        if (dmarc.contains("pass")) {
            return Verdict.PASS;
        }
        if (dmarc.contains("fail")) {
            return Verdict.FAIL;
        }
        if (!dmarc.isEmpty()) {
            return Verdict.NONE; // none, temperror, permerror: the domain asks for nothing, or nothing could be told
        }
        // a server that does not check DMARC: a verified signature counts, a failed SPF without one does not
        if (results.getOrDefault("dkim", List.of()).contains("pass")) {
            return Verdict.PASS;
        }
        return results.getOrDefault("spf", List.of()).contains("fail") ? Verdict.FAIL : Verdict.NONE;
    }

    private static String withoutComments(String header) {
        String value = header.replaceAll("[\\r\\n]+", " ");
        for (int i = 0; i < COMMENT_ROUNDS; i++) {
            String next = COMMENT.matcher(value).replaceAll(" ");
            if (next.equals(value)) {
                break;
            }
            value = next;
        }
        return value;
    }
}
