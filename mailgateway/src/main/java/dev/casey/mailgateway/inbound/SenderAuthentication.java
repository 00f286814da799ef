package dev.casey.mailgateway.inbound;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the support mailbox's own mail server found of a mail's sender, from its {@code Authentication-Results} headers
 * (RFC 8601). Only headers naming that server's authserv-id count, all of them (one server may write one per check:
 * SPF, DKIM, DMARC): the server removes headers with its own id that came from outside, so anything else in the mail is
 * the sender's say-so. Values are read as RFC 8601 writes them: a {@code ;} or {@code =} inside a quoted string (a
 * sender-chosen {@code smtp.mailfrom}) or a comment splits nothing.
 */
final class SenderAuthentication {

    /** The server's verdict on the From address; only {@code FAIL} changes what becomes of a mail. */
    enum Verdict {
        /** DMARC passed. */
        PASS,
        /** DMARC failed, or (where the server does not check DMARC) SPF failed and no DKIM signature verified. */
        FAIL,
        /** Nothing either way: no header of that server, or results that prove nothing. */
        NONE
    }

    /** The server's finding, with what it said, for the log and the quarantine reason. */
    record Finding(Verdict verdict, String results) {
    }

    /** A result's method (with an optional version, "dkim/1") and its result, at the start of its part. */
    private static final Pattern METHOD = Pattern.compile("^([a-z0-9_-]+)(?:/[0-9]+)?[ ]*=[ ]*([a-z0-9_-]+)",
            Pattern.CASE_INSENSITIVE);

    private SenderAuthentication() {
    }

    /** The verdict of the server named {@code authservId} on this mail's headers. */
    static Finding of(List<String> authenticationResults, String authservId) {
        Map<String, List<String>> results = new HashMap<>();
        List<String> ours = new ArrayList<>();
        for (String header : authenticationResults) {
            List<String> parts = parts(header);
            if (parts.isEmpty() || !unquoted(parts.get(0).strip().split("\\s+")[0]).equalsIgnoreCase(authservId)) {
                continue;
            }
            ours.add(String.join("; ", parts));
            for (String part : parts.subList(1, parts.size())) {
                Matcher method = METHOD.matcher(part);
                if (method.find()) {
                    results.computeIfAbsent(method.group(1).toLowerCase(Locale.ROOT), m -> new ArrayList<>())
                            .add(method.group(2).toLowerCase(Locale.ROOT));
                }
            }
        }
        return ours.isEmpty() ? new Finding(Verdict.NONE, null) : new Finding(verdict(results), String.join(" | ", ours));
    }

    private static Verdict verdict(Map<String, List<String>> results) {
        List<String> dmarc = results.getOrDefault("dmarc", List.of());
        // a failure anywhere outweighs a pass: a pass cannot be written in by the sender, but nor should it excuse one
        if (dmarc.contains("fail")) {
            return Verdict.FAIL;
        }
        if (dmarc.contains("pass")) {
            return Verdict.PASS;
        }
        if (!dmarc.isEmpty()) {
            return Verdict.NONE; // none, temperror, permerror: the domain asks for nothing, or nothing could be told
        }
        // a server that does not check DMARC: a failed SPF tells only without a verified signature
        return results.getOrDefault("spf", List.of()).contains("fail")
                && !results.getOrDefault("dkim", List.of()).contains("pass") ? Verdict.FAIL : Verdict.NONE;
    }

    /**
     * The header's parts between top-level semicolons, comments left out; quoted strings and quoted pairs are kept as
     * written, so a semicolon in them splits nothing.
     */
    static List<String> parts(String header) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '\\' && (quoted || depth > 0) && i + 1 < header.length()) {
                if (quoted) {
                    part.append(c).append(header.charAt(i + 1));
                }
                i++;
            } else if (quoted) {
                part.append(c);
                quoted = c != '"';
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
                if (depth == 0) {
                    part.append(' ');
                }
            } else if (depth > 0) {
                continue;
            } else if (c == '"') {
                quoted = true;
                part.append(c);
            } else if (c == ';') {
                parts.add(part.toString().strip());
                part.setLength(0);
            } else {
                part.append(c == '\r' || c == '\n' || c == '\t' ? ' ' : c);
            }
        }
        parts.add(part.toString().strip());
        parts.removeIf(String::isEmpty);
        return parts;
    }

    private static String unquoted(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
