package dev.casey.api.settings;

import java.time.Duration;
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
    // unlike the other timers zero cannot mean "never": a pending case without an end would stay pending for good
    CASE_CONFIRMATION_EXPIRY("caseConfirmationExpiry", Type.DURATION, "7d",
            SettingRule.lasting(Duration.ofSeconds(1), Limits.TIMER_LIMIT)),
    CASE_CLOSE_IDLE("caseCloseIdle", Type.DURATION, "30d", SettingRule.lasting(Duration.ZERO, Limits.TIMER_LIMIT)),
    CASE_CAN_REOPEN("caseCanReopen", Type.BOOLEAN, true),
    CASE_SEND_INITIAL("caseSendInitial", Type.BOOLEAN, true),
    CASE_SEND_COPY("caseSendCopy", Type.BOOLEAN, false),
    CASE_CONFIRM_URL("caseConfirmUrl", Type.STRING, null, SettingRule.webAddress()),
    TEAM_INVITE_REMINDER("teamInviteReminder", Type.DURATION, "1d",
            SettingRule.lasting(Duration.ZERO, Limits.TIMER_LIMIT)),
    TEAM_INVITE_COUNT("teamInviteCount", Type.INTEGER, 0, SettingRule.between(0, 10_000)),
    MAIL_ENABLE("mailEnable", Type.BOOLEAN, null),
    MAIL_SUBJECT_FORMAT("mailSubjectFormat", Type.STRING, "[%prefix% %reference%] %subject%", SettingRule.atMost(200)),
    MAIL_SUBJECT_PREFIX("mailSubjectPrefix", Type.STRING, "Casey", SettingRule.atMost(64)),
    // a poll must come round: zero stops the poller, and another instance takes the mailbox over only after one period
    MAIL_SYNC_TIMER("mailSyncTimer", Type.DURATION, 60,
            SettingRule.lasting(Duration.ofSeconds(1), Duration.ofDays(1))),
    MAIL_ADDRESS("mailAddress", Type.EMAIL, "support@casey.localhost"),
    MAIL_SUPPORT_NAME("mailSupportName", Type.STRING, "Support", SettingRule.atMost(64)),
    MAIL_OPEN_CASES("mailOpenCases", Type.BOOLEAN, true),
    // zero would hold back every mail of every sender, silently: mailEnable is the switch for no mail
    MAIL_RATE_LIMIT("mailRateLimit", Type.INTEGER, 30, SettingRule.between(1, 1_000_000)),
    // forged senders each under mailRateLimit would have the support address mail whatever they wrote to anyone
    MAIL_CASE_RATE_LIMIT("mailCaseRateLimit", Type.INTEGER, 300, SettingRule.between(1, 1_000_000)),
    MAIL_PLUS_ADDRESSING("mailPlusAddressing", Type.BOOLEAN, false),
    // the support mailbox's own mail server: its Authentication-Results tell a forged From
    MAIL_AUTHSERV_ID("mailAuthservId", Type.STRING, null, SettingRule.hostName()),
    // a web form's robot writes for its visitors: their address is in Reply-To, unproven
    MAIL_FORM_SENDERS("mailFormSenders", Type.ADDRESSES, List.of()),
    MAIL_MAX_BYTES("mailMaxBytes", Type.INTEGER, 50 * 1024 * 1024,
            SettingRule.bytesBetween(Limits.SIZE_FLOOR, Limits.SIZE_LIMIT)),
    MAIL_ATTACHMENT_MAX_BYTES("mailAttachmentMaxBytes", Type.INTEGER, 25 * 1024 * 1024,
            SettingRule.bytesBetween(0, Limits.SIZE_LIMIT)),
    // counted as sent (base64): 10 MiB passes the common 10 MB limit of mail servers; 25 MiB is where large ones end
    MAIL_SEND_ATTACHMENT_MAX_BYTES("mailSendAttachmentMaxBytes", Type.INTEGER, 10 * 1024 * 1024,
            SettingRule.bytesBetween(0, 25 * 1024 * 1024)),
    MAIN_DOMAIN("mainDomain", Type.STRING, null, SettingRule.domainName()),
    // the seed's keys for the mail transport; SMTP and IMAP are the only ones there are
    SMTP_ADAPTER("smtpAdapter", Type.STRING, "smtp", SettingRule.oneOf("smtp")),
    SMTP_SERVER("smtpServer", Type.STRING, null, SettingRule.hostName()),
    SMTP_PORT("smtpPort", Type.INTEGER, 587, SettingRule.between(1, 65535)),
    SMTP_USERNAME("smtpUsername", Type.STRING, null),
    SMTP_PASSWORD("smtpPassword", Type.SECRET, null),
    SMTP_ENCRYPTION("smtpEncryption", Type.ENCRYPTION, "starttls"),
    IMAP_ADAPTER("imapAdapter", Type.STRING, "imap", SettingRule.oneOf("imap")),
    IMAP_SERVER("imapServer", Type.STRING, null, SettingRule.hostName()),
    IMAP_PORT("imapPort", Type.INTEGER, 993, SettingRule.between(1, 65535)),
    IMAP_USERNAME("imapUsername", Type.STRING, null),
    IMAP_PASSWORD("imapPassword", Type.SECRET, null),
    IMAP_ENCRYPTION("imapEncryption", Type.ENCRYPTION, "tls"),
    IMAP_FOLDER("imapFolder", Type.STRING, "INBOX", SettingRule.folderName()),
    IMAP_PROCESSED_FOLDER("imapProcessedFolder", Type.STRING, "Casey/Processed", SettingRule.folderName()),
    IMAP_QUARANTINE_FOLDER("imapQuarantineFolder", Type.STRING, "Casey/Quarantine", SettingRule.folderName()),
    API_TOKENS("apiTokens", Type.TOKENS, List.of()),
    // below the floor POST /config itself no longer fits, and a runtime value outlives any file: nothing could undo it
    REQUEST_MAX_BYTES("requestMaxBytes", Type.INTEGER, 10 * 1024 * 1024,
            SettingRule.bytesBetween(Limits.SIZE_FLOOR, Limits.SIZE_LIMIT));

    /** The bounds the rules above share. */
    private static final class Limits {
        /** The smallest request and mail size limit: every configuration change fits, with room. */
        static final long SIZE_FLOOR = 64 * 1024;
        /** A body is held in memory and a mail kept in one PostgreSQL bytea, which ends at 1 GB. */
        static final long SIZE_LIMIT = 1024 * 1024 * 1024;
        /** Timers fire on PostgreSQL timestamps; ten years is beyond any support case and far from their end. */
        static final Duration TIMER_LIMIT = Duration.ofDays(3650);
    }

    /** The value types settings can have. */
    public enum Type { BOOLEAN, INTEGER, DURATION, STRING, EMAIL, ADDRESSES, SECRET, ENCRYPTION, TOKENS }

    private static final int MAX_ADDRESSES = 100;

    private static final Map<String, Setting> BY_KEY = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(Setting::key, Function.identity()));

    private final String key;
    private final Type type;
    private final Object defaultValue;
    private final SettingRule rule;

    Setting(String key, Type type, Object defaultValue) {
        this(key, type, defaultValue, SettingRule.ANY);
    }

    Setting(String key, Type type, Object defaultValue, SettingRule rule) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.rule = rule;
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
     * it in the form it is stored in. Null (or, for text, a blank string) resets the key to its default.
     *
     * @throws IllegalArgumentException with a message fit for the caller when the value is not valid
     */
    public Object normalize(Object raw) {
        // a blank text has always meant "not set" (Settings#text): it resets the key, whatever its rule, for every key
        // that is given as text; a blank password kept as one showed as set
        if (raw == null || textual() && raw instanceof String text && text.isBlank()) {
            return null;
        }
        Object value = ofType(raw);
        rule.violatedBy(value).ifPresent(expected -> {
            throw invalid(expected);
        });
        return type == Type.INTEGER ? storedInteger((Long) value) : value;
    }

    private boolean textual() {
        return switch (type) {
            case STRING, SECRET, EMAIL, DURATION, ENCRYPTION -> true;
            case BOOLEAN, INTEGER, ADDRESSES, TOKENS -> false;
        };
    }

    /** Whole numbers are checked against the key's own range first, which says more than the type's. */
    private int storedInteger(long value) {
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw invalid("a non-negative integer");
        }
        return (int) value;
    }

    private Object ofType(Object raw) {
        return switch (type) {
            case BOOLEAN -> {
                if (!(raw instanceof Boolean)) {
                    throw invalid("a boolean (true or false)");
                }
                yield raw;
            }
            case INTEGER -> wholeNumber(raw);
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
            case ADDRESSES -> addresses(raw);
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

    /** E-mail addresses, trimmed, each once (addresses differing in case are one). */
    private List<String> addresses(Object raw) {
        String expected = "a list of at most " + MAX_ADDRESSES + " e-mail addresses";
        if (!(raw instanceof List<?> list) || list.size() > MAX_ADDRESSES) {
            throw invalid(expected);
        }
        Map<String, String> byKey = new java.util.LinkedHashMap<>();
        for (Object item : list) {
            if (!(item instanceof String text) || !dev.casey.api.common.EmailAddresses.isValid(text.trim())) {
                throw invalid(expected);
            }
            byKey.putIfAbsent(dev.casey.api.common.EmailAddresses.key(text.trim()), text.trim());
        }
        return List.copyOf(byKey.values());
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
