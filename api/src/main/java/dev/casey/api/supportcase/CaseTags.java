package dev.casey.api.supportcase;

import java.util.regex.Pattern;

/** Rules for case tags: short single words, compared as given. */
public final class CaseTags {

    public static final int MAX_TAGS = 50;
    private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}_.:/+-]{0,63}");

    private CaseTags() {
    }

    public static boolean isWellFormed(String tag) {
        return tag != null && TAG.matcher(tag).matches();
    }
}
