package dev.casey.api.settings;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The effective configuration: every {@link Setting} with its value (normalized, defaults filled in).
 * Immutable; {@link #with} returns a changed copy.
 */
public record Settings(Map<String, Object> values) {

    /** The identifier of the one configuration aggregate there is. */
    public static final String ID = "casey-settings";

    public Settings {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Every key at its default. */
    public static Settings defaults() {
        return new Settings(Map.of());
    }

    /**
     * These settings with the given raw values applied (null resets a key to its default).
     *
     * @throws IllegalArgumentException naming the first unknown key or invalid value
     */
    public Settings with(Map<String, ?> changes) {
        Map<String, Object> next = new LinkedHashMap<>(values);
        changes.forEach((key, raw) -> {
            Setting setting = Setting.byKey(key)
                    .orElseThrow(() -> new IllegalArgumentException("unknown configuration key " + key));
            Object value = setting.normalize(raw);
            if (value == null) {
                next.remove(key);
            } else {
                next.put(key, value);
            }
        });
        return new Settings(next);
    }

    /** The stored value of a key, or its default. */
    public Object get(Setting setting) {
        Object value = values.get(setting.key());
        return value != null ? value : setting.defaultValue();
    }

    /** Only the keys that differ from the defaults, as they are written to a configuration file. */
    public Map<String, Object> explicitValues() {
        return values;
    }

    /** Every key with its effective value, in declaration order. */
    public Map<Setting, Object> all() {
        Map<Setting, Object> all = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            all.put(s, get(s));
        }
        return all;
    }

    public boolean bool(Setting setting) {
        return Boolean.TRUE.equals(get(setting));
    }

    public int integer(Setting setting) {
        return ((Number) get(setting)).intValue();
    }

    public Optional<String> text(Setting setting) {
        Object value = get(setting);
        return value == null || value.toString().isBlank() ? Optional.empty() : Optional.of(value.toString());
    }

    /** A duration setting; empty when not set or zero (meaning: never). */
    /** The addresses of a list-of-addresses setting (none when not set). */
    @SuppressWarnings("unchecked")
    public List<String> addresses(Setting setting) {
        Object value = get(setting);
        return value == null ? List.of() : (List<String>) value;
    }

    public Optional<Duration> duration(Setting setting) {
        Object value = get(setting);
        if (value == null) {
            return Optional.empty();
        }
        Duration duration = Durations.of(value);
        return duration.isZero() ? Optional.empty() : Optional.of(duration);
    }

    public boolean caseConfirmation() {
        return bool(Setting.CASE_CONFIRMATION);
    }

    public boolean caseCanReopen() {
        return bool(Setting.CASE_CAN_REOPEN);
    }

    public Duration caseConfirmationExpiry() {
        return duration(Setting.CASE_CONFIRMATION_EXPIRY).orElse(Duration.ofDays(7));
    }

    /** Mail is on when set so, or (unset) when an SMTP server is configured. */
    public boolean mailEnable() {
        Object explicit = values.get(Setting.MAIL_ENABLE.key());
        return explicit != null ? Boolean.TRUE.equals(explicit) : text(Setting.SMTP_SERVER).isPresent();
    }

    public String mailAddress() {
        return (String) get(Setting.MAIL_ADDRESS);
    }

    public List<ApiToken> apiTokens() {
        @SuppressWarnings("unchecked")
        List<Map<?, ?>> stored = (List<Map<?, ?>>) get(Setting.API_TOKENS);
        return stored.stream().map(ApiToken::fromStored).toList();
    }

    public long requestMaxBytes() {
        return integer(Setting.REQUEST_MAX_BYTES);
    }
}
