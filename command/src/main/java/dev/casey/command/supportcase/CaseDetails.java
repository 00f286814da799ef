package dev.casey.command.supportcase;

import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.supportcase.CaseMeta;
import dev.casey.api.supportcase.CaseTags;
import dev.casey.command.Refusals;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Checks and normalises category, tags and meta of a case. */
final class CaseDetails {

    private CaseDetails() {
    }

    /** A blank category means none. */
    static String category(String category) {
        if (category == null || category.isBlank()) {
            return null;
        }
        return Refusals.requireLine(category, "category", SupportCase.MAX_CATEGORY_LENGTH);
    }

    /** Tags in the order given, each once. */
    static List<String> tags(List<String> tags) {
        if (tags.size() > CaseTags.MAX_TAGS) {
            throw new CaseyRefusal(ErrorCode.INVALID_VALUE, "at most " + CaseTags.MAX_TAGS + " tags", "tags");
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (int i = 0; i < tags.size(); i++) {
            String tag = tags.get(i);
            if (!CaseTags.isWellFormed(tag)) {
                throw new CaseyRefusal(ErrorCode.INVALID_VALUE,
                        "tags must be single words of letters, digits and _.:/+- (at most 64)", "tags[" + i + "]");
            }
            unique.add(tag);
        }
        return List.copyOf(unique);
    }

    /** Meta entries sorted by key; reserved and malformed keys are refused. */
    static Map<String, String> meta(Map<String, String> meta) {
        if (meta.size() > CaseMeta.MAX_ENTRIES) {
            throw new CaseyRefusal(ErrorCode.INVALID_VALUE, "at most " + CaseMeta.MAX_ENTRIES + " meta entries", "meta");
        }
        Map<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> entry : meta.entrySet()) {
            String key = entry.getKey();
            if (!CaseMeta.isWellFormedKey(key)) {
                throw new CaseyRefusal(ErrorCode.INVALID_VALUE,
                        "meta keys are 1 to 64 letters, digits and _.- starting with a letter or digit", "meta." + key);
            }
            if (CaseMeta.isReserved(key)) {
                throw new CaseyRefusal(ErrorCode.RESERVED_META_KEY,
                        CaseMeta.reservedMessage(key), "meta." + key);
            }
            String value = entry.getValue();
            if (value == null || value.length() > CaseMeta.MAX_VALUE_LENGTH) {
                throw new CaseyRefusal(ErrorCode.INVALID_VALUE,
                        "meta values are strings of at most " + CaseMeta.MAX_VALUE_LENGTH + " characters", "meta." + key);
            }
            sorted.put(key, value);
        }
        return new LinkedHashMap<>(sorted);
    }
}
