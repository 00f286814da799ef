package dev.casey.api.settings;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every configuration key Casey knows, with its type and default. The keys of the Casey seed keep
 * their names; keys of our own follow the same style.
 */
public enum Setting {
    CASE_CONFIRMATION("caseConfirmation", Type.BOOLEAN, false),
    CASE_CONFIRMATION_EXPIRY("caseConfirmationExpiry", Type.DURATION, "7d"),
    CASE_CLOSE_IDLE("caseCloseIdle", Type.DURATION, "30d"),
    CASE_CAN_REOPEN("caseCanReopen", Type.BOOLEAN, true),
    CASE_SEND_INITIAL("caseSendInitial", Type.BOOLEAN, true),
    CASE_SEND_COPY("caseSendCopy", Type.BOOLEAN, false),
    CASE_CONFIRM_URL("caseConfirmUrl", Type.STRING, null),
    TEAM_INVITE_REMINDER("teamInviteReminder", Type.DURATION, "1d"),
    TEAM_INVITE_COUNT("teamInviteCount", Type.INTEGER, 0),
    MAIL_ENABLE("mailEnable", Type.BOOLEAN, null),
    MAIL_SUBJECT_FORMAT("mailSubjectFormat", Type.STRING, "[%prefix% %reference%] %subject%"),
    MAIL_SUBJECT_PREFIX("mailSubjectPrefix", Type.STRING, "Casey"),
    MAIL_SYNC_TIMER("mailSyncTimer", Type.DURATION, 60),
    MAIL_ADDRESS("mailAddress", Type.EMAIL, "support@casey.localhost"),
    MAIL_SUPPORT_NAME("mailSupportName", Type.STRING, "Support"),
    MAIL_OPEN_CASES("mailOpenCases", Type.BOOLEAN, true),
    MAIL_RATE_LIMIT("mailRateLimit", Type.INTEGER, 30),
    MAIL_PLUS_ADDRESSING("mailPlusAddressing", Type.BOOLEAN, false),
    MAIL_MAX_BYTES("mailMaxBytes", Type.INTEGER, 50 * 1024 * 1024),
    MAIL_ATTACHMENT_MAX_BYTES("mailAttachmentMaxBytes", Type.INTEGER, 25 * 1024 * 1024),
    MAIN_DOMAIN("mainDomain", Type.STRING, null),
    SMTP_ADAPTER("smtpAdapter", Type.STRING, "smtp"),
    SMTP_SERVER("smtpServer", Type.STRING, null),
    SMTP_PORT("smtpPort", Type.INTEGER, 587),
    SMTP_USERNAME("smtpUsername", Type.STRING, null),
    SMTP_PASSWORD("smtpPassword", Type.SECRET, null),
    SMTP_ENCRYPTION("smtpEncryption", Type.ENCRYPTION, "starttls"),
    IMAP_ADAPTER("imapAdapter", Type.STRING, "imap"),
    IMAP_SERVER("imapServer", Type.STRING, null),
    IMAP_PORT("imapPort", Type.INTEGER, 993),
    IMAP_USERNAME("imapUsername", Type.STRING, null),
    IMAP_PASSWORD("imapPassword", Type.SECRET, null),
    IMAP_ENCRYPTION("imapEncryption", Type.ENCRYPTION, "tls"),
    IMAP_FOLDER("imapFolder", Type.STRING, "INBOX"),
    IMAP_PROCESSED_FOLDER("imapProcessedFolder", Type.STRING, "Casey/Processed"),
    IMAP_QUARANTINE_FOLDER("imapQuarantineFolder", Type.STRING, "Casey/Quarantine"),
    API_TOKENS("apiTokens", Type.TOKENS, List.of()),
    REQUEST_MAX_BYTES("requestMaxBytes", Type.INTEGER, 10 * 1024 * 1024);

    /** The value types settings can have. */
    public enum Type { BOOLEAN, INTEGER, DURATION, STRING, EMAIL, SECRET, ENCRYPTION, TOKENS }

    private static final Map<String, Setting> BY_KEY = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(Setting::key, Function.identity()));

    private final String key;
    private final Type type;
    private final Object defaultValue;

    Setting(String key, Type type, Object defaultValue) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
    }

    public String key() {
        return key;
    }

    public Type type() {
        return type;
    }

    public Object defaultValue() {
        return defaultValue;
    }

    /** True for values that never leave the service (passwords, API tokens). */
    public boolean secret() {
        return type == Type.SECRET || type == Type.TOKENS;
    }

    public static Optional<Setting> byKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    /**
     * Checks a raw value (as read from JSON: Boolean, Number, String, List, Map or null) and returns
     * it in the form it is stored in. Null resets the key to its default.
     *
     * @throws IllegalArgumentException with a message fit for the caller when the value is not valid
     */
    public Object normalize(Object raw) {
        if (raw == null) {
            return null;
        }
        return switch (type) {
            case BOOLEAN -> {
                if (!(raw instanceof Boolean)) {
                    throw invalid("a boolean (true or false)");
                }
                yield raw;
            }
            case INTEGER -> {
                long value = wholeNumber(raw);
                if (value < 0 || value > Integer.MAX_VALUE) {
                    throw invalid("a non-negative integer");
                }
                yield (int) value;
            }
            case DURATION -> {
                if (raw instanceof Number) {
                    long seconds = wholeNumber(raw);
                    if (seconds < 0) {
                        throw invalid("a duration such as 30d, 12h, 90m or a number of seconds");
                    }
                    yield seconds;
                }
                if (!(raw instanceof String text) || Durations.parse(text).isEmpty()) {
                    throw invalid("a duration such as 30d, 12h, 90m or a number of seconds");
                }
                yield text.trim();
            }
            case STRING, SECRET -> {
                if (!(raw instanceof String text)) {
                    throw invalid("a string");
                }
                if (text.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                    throw invalid("a single line of text");
                }
                yield text;
            }
            case EMAIL -> {
                if (!(raw instanceof String text) || !dev.casey.api.common.EmailAddresses.isValid(text.trim())) {
                    throw invalid("an e-mail address");
                }
                yield text.trim();
            }
            case ENCRYPTION -> {
                if (!(raw instanceof String text)
                        || !List.of("none", "starttls", "tls").contains(text.trim().toLowerCase(Locale.ROOT))) {
                    throw invalid("one of none, starttls, tls");
                }
                yield text.trim().toLowerCase(Locale.ROOT);
            }
            case TOKENS -> ApiToken.normalizeAll(raw, key);
        };
    }

    private long wholeNumber(Object raw) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) {
            return ((Number) raw).longValue();
        }
        if (raw instanceof java.math.BigInteger big && big.bitLength() < 63) {
            return big.longValue();
        }
        throw invalid("a whole number");
    }

    private IllegalArgumentException invalid(String expected) {
        return new IllegalArgumentException(key + " must be " + expected);
    }
}
