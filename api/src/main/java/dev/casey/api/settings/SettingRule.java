package dev.casey.api.settings;

import dev.casey.api.common.EmailAddresses;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a setting's value must be beyond its type: a value of the right type can still stop the service (a request
 * limit no request fits, a poll period of zero). Checked on the normalized value, so the configuration file, POST
 * /config and the runtime changes read back from the event store all pass the same rule.
 */
@FunctionalInterface
interface SettingRule {

    SettingRule ANY = value -> Optional.empty();

    /** An IPv6 address as Java connects to it, bracketed or not, with a zone or not (checked when connecting). */
    Pattern IPV6 = Pattern.compile("\\[?(?=[^\\]]*:[^\\]]*:)[0-9A-Fa-f:.]{2,45}(?:%[\\w.-]{1,32})?]?");
    /** A host name as resolvers take it: labels may hold underscores (container names), a final dot is allowed. */
    Pattern HOST_NAME = Pattern.compile("(?=.{1,254}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
            + "(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");

    /** Empty when the value may be used, else what it must be, to follow "… must be". */
    Optional<String> violatedBy(Object value);

    static SettingRule between(long min, long max) {
        return value -> {
            long number = ((Number) value).longValue();
            return number >= min && number <= max ? Optional.empty()
                    : Optional.of("a whole number from " + min + " to " + max);
        };
    }

    static SettingRule bytesBetween(long min, long max) {
        return value -> {
            long bytes = ((Number) value).longValue();
            return bytes >= min && bytes <= max ? Optional.empty()
                    : Optional.of("a number of bytes from " + withBinary(min) + " to " + withBinary(max));
        };
    }

    static SettingRule lasting(Duration min, Duration max) {
        return value -> {
            Duration duration = Durations.of(value);
            if (duration.compareTo(min) >= 0 && duration.compareTo(max) <= 0) {
                return Optional.empty();
            }
            return Optional.of((min.isZero() ? "a duration of at most " : "a duration from " + Durations.describe(min)
                    + " to ") + Durations.describe(max) + ", such as 30d, 12h, 90m or a number of seconds");
        };
    }

    static SettingRule oneOf(String... allowed) {
        return value -> List.of(allowed).contains(value.toString().toLowerCase(Locale.ROOT)) ? Optional.empty()
                : Optional.of(allowed.length == 1 ? allowed[0] + " (the only one there is)"
                        : "one of " + String.join(", ", allowed));
    }

    static SettingRule atMost(int characters) {
        return value -> value.toString().length() <= characters ? Optional.empty()
                : Optional.of("at most " + characters + " characters long");
    }

    /** An IMAP folder (a blank one never reaches a rule: it resets the key to its default). */
    static SettingRule folderName() {
        return value -> !value.toString().isBlank() && value.toString().length() <= 255 ? Optional.empty()
                : Optional.of("a folder name of 1 to 255 characters");
    }

    static SettingRule domainName() {
        return value -> EmailAddresses.isDomainName(value.toString()) ? Optional.empty()
                : Optional.of("a domain name such as example.com");
    }

    /** The SMTP or IMAP server: a name or an address to connect to, nothing more (its port is a setting of its own). */
    static SettingRule hostName() {
        return value -> HOST_NAME.matcher(value.toString()).matches() || IPV6.matcher(value.toString()).matches()
                ? Optional.empty()
                : Optional.of("a host name or IP address such as mail.example.com, without scheme or port");
    }

    /** A link mailed to customers: {@code %code%} stands for the code and is no valid URL character on its own. */
    static SettingRule webAddress() {
        return value -> {
            String text = value.toString();
            try {
                URI uri = new URI(text.replace("%code%", "code"));
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (text.length() <= 2000 && (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                    return Optional.empty();
                }
            } catch (URISyntaxException notAUrl) {
                // refused below, with what it must be
            }
            return Optional.of("an absolute http or https URL of at most 2000 characters, such as "
                    + "https://support.example.com/confirm/%code%");
        };
    }

    /** Zero needs no unit: "0 (0 GiB)" read like a rule of its own. */
    private static String withBinary(long bytes) {
        return bytes == 0 ? "0" : bytes + " (" + binary(bytes) + ")";
    }

    private static String binary(long bytes) {
        if (bytes % (1 << 30) == 0) {
            return bytes / (1 << 30) + " GiB";
        }
        return bytes % (1 << 20) == 0 ? bytes / (1 << 20) + " MiB" : bytes / 1024 + " KiB";
    }
}
