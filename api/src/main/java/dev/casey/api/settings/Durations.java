package dev.casey.api.settings;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the duration notation of the configuration: {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s} or plain seconds. */
public final class Durations {

    private static final Pattern NOTATION = Pattern.compile("(\\d{1,9})\\s*([dhms]?)");

    private Durations() {
    }

    public static Optional<Duration> parse(String text) {
        Matcher m = NOTATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "d" -> Duration.ofDays(amount);
            case "h" -> Duration.ofHours(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        });
    }

    /** A duration in the notation of the configuration, in its largest whole unit: {@code 30d}, {@code 90m}. */
    public static String describe(Duration duration) {
        long seconds = duration.getSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3_600 == 0) {
            return seconds / 3_600 + "h";
        }
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }

    /** A stored duration value (seconds as a number, or the notation) as a Duration. */
    public static Duration of(Object stored) {
        if (stored instanceof Number n) {
            return Duration.ofSeconds(n.longValue());
        }
        return parse(String.valueOf(stored))
                .orElseThrow(() -> new IllegalArgumentException("not a duration: " + stored));
    }
}
