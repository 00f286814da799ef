package dev.casey.mailgateway.imap;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Logs each distinct problem of an area once (as a warning) until the area works again, so a
 * mailbox that is down for an hour gives one line, not one per retry. Repeats go to DEBUG.
 */
final class ProblemLog {

    private static final int MAX_DISTINCT = 20;

    private final Logger log;
    private final Map<String, Set<String>> open = new HashMap<>();

    ProblemLog(Logger log) {
        this.log = log;
    }

    /** @return whether this was logged as a warning (first time seen since the area last worked) */
    synchronized boolean report(String area, String message, Throwable cause, boolean withStackTrace) {
        String text = message + ": " + describe(cause);
        Set<String> seen = open.computeIfAbsent(area, a -> new LinkedHashSet<>());
        if (seen.size() < MAX_DISTINCT && seen.add(text)) {
            if (withStackTrace) {
                log.warn("{} (logged once until it works again)", text, cause);
            } else {
                log.warn("{} (logged once until it works again)", text);
                log.debug("Details", cause);
            }
            return true;
        }
        log.debug("Still: {}", text);
        return false;
    }

    /** The area works (again): logs {@code message} if problems had been logged for it. */
    synchronized void resolved(String area, String message) {
        Set<String> had = open.remove(area);
        if (had != null && !had.isEmpty()) {
            log.info(message);
        }
    }

    /** {@code Class: message (caused by Class: message)}, without stack traces. */
    static String describe(Throwable t) {
        if (t == null) {
            return "";
        }
        StringBuilder text = new StringBuilder(t.getClass().getSimpleName());
        if (t.getMessage() != null) {
            text.append(": ").append(t.getMessage());
        }
        Set<Throwable> seen = new java.util.HashSet<>();
        seen.add(t);
        for (Throwable cause = t.getCause(); cause != null && seen.add(cause); cause = cause.getCause()) {
            text.append(" (caused by ").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                text.append(": ").append(cause.getMessage());
            }
            text.append(')');
        }
        return text.toString();
    }
}
