package dev.casey.api.supportcase;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Rules for the free-form meta entries of a case. Keys starting with {@code casey} or {@code _} are
 * reserved for Casey's own use; the seed advises callers to prefix their keys instead
 * ({@code myPlatformOrderNumber}).
 */
public final class CaseMeta {

    public static final int MAX_ENTRIES = 50;
    public static final int MAX_VALUE_LENGTH = 2000;
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}|_[A-Za-z0-9_.-]{0,63}");

    private CaseMeta() {
    }

    public static boolean isReserved(String key) {
        return key.startsWith("_") || key.toLowerCase(Locale.ROOT).startsWith("casey");
    }

    /** Why a reserved key is refused, whichever layer finds it. */
    public static String reservedMessage(String key) {
        return "meta key " + key + " is reserved for Casey (keys starting with casey or _)";
    }

    public static boolean isWellFormedKey(String key) {
        return key != null && KEY.matcher(key).matches();
    }
}
