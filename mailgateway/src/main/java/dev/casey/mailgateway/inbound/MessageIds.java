package dev.casey.mailgateway.inbound;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Message ids from Message-ID, In-Reply-To, References and Content-ID, without angle brackets. */
final class MessageIds {

    private static final Pattern BRACKETED = Pattern.compile("<([^<>]*)>");

    private MessageIds() {
    }

    /**
     * All ids in order. Ids are taken from angle brackets; a header without any (some mailers
     * write bare ids) contributes its words that contain an "@". Comments and phrases such as
     * "(John's message of ...)" are ignored.
     */
    static List<String> all(String header) {
        // a set: looking for each id among those before it took 14 s for a References header of 40,000 ids
        Set<String> ids = new LinkedHashSet<>();
        if (header == null) {
            return new ArrayList<>();
        }
        Matcher bracketed = BRACKETED.matcher(header);
        while (bracketed.find()) {
            String id = bracketed.group(1).replaceAll("\\s+", "");
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            for (String word : Texts.withoutParentheses(header, " ").split("[\\s,]+")) {
                String id = Texts.strip(word, "<\"'", ">\"'");
                if (id.indexOf('@') > 0) {
                    ids.add(id);
                }
            }
        }
        return new ArrayList<>(ids);
    }

    /** The first id; for Content-ID also a bare value without "@"; null when there is none. */
    static String first(String header) {
        List<String> ids = all(header);
        if (!ids.isEmpty()) {
            return ids.get(0);
        }
        if (header == null) {
            return null;
        }
        String bare = header.trim().replaceAll("\\s.*", "").replaceAll("[<>]", "");
        return bare.isEmpty() ? null : bare;
    }
}
