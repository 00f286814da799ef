package dev.casey.mailgateway.imap;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where and how to read the support mailbox.
 *
 * @param host             IMAP server host name
 * @param port             IMAP server port (1..65535)
 * @param username         login name
 * @param password         password (never shown by {@link #toString()})
 * @param encryption       {@code none}, {@code starttls} or {@code tls}
 * @param inboxFolder      the folder new mail arrives in ({@value #DEFAULT_INBOX} when {@code null})
 * @param processedFolder  where handled messages go ({@value #DEFAULT_PROCESSED} when {@code null})
 * @param quarantineFolder where unusable messages go ({@value #DEFAULT_QUARANTINE} when {@code null})
 * @param syncInterval     poll period, and the longest IMAP IDLE wait before the mailbox is checked again
 * @param enabled          {@code false} pauses polling without forgetting the settings
 */
public record MailboxSettings(String host, int port, String username, String password, Encryption encryption,
                              String inboxFolder, String processedFolder, String quarantineFolder,
                              Duration syncInterval, boolean enabled) {

    public static final String DEFAULT_INBOX = "INBOX";
    public static final String DEFAULT_PROCESSED = "Casey/Processed";
    public static final String DEFAULT_QUARANTINE = "Casey/Quarantine";
    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMinutes(1);

    /** Transport security of the IMAP connection. */
    public enum Encryption {
        /** Plain IMAP (port 143 usually). */
        NONE,
        /** Plain IMAP upgraded with STARTTLS, which is required (the login never goes out in clear). */
        STARTTLS,
        /** IMAP over TLS from the first byte ("imaps", port 993 usually). */
        TLS;

        /** Reads {@code none}, {@code starttls} or {@code tls} (any case). */
        public static Encryption of(String value) {
            Objects.requireNonNull(value, "encryption");
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "none" -> NONE;
                case "starttls" -> STARTTLS;
                case "tls", "ssl" -> TLS;
                default -> throw new IllegalArgumentException(
                        "encryption must be none, starttls or tls, not '" + value + "'");
            };
        }

        /** The configuration value: {@code none}, {@code starttls} or {@code tls}. */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public MailboxSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("IMAP host is required");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("IMAP port must be 1..65535, not " + port);
        }
        Objects.requireNonNull(username, "username");
        password = password == null ? "" : password;
        encryption = encryption == null ? Encryption.NONE : encryption;
        inboxFolder = blankToDefault(inboxFolder, DEFAULT_INBOX);
        processedFolder = blankToDefault(processedFolder, DEFAULT_PROCESSED);
        quarantineFolder = blankToDefault(quarantineFolder, DEFAULT_QUARANTINE);
        syncInterval = syncInterval == null ? DEFAULT_SYNC_INTERVAL : syncInterval;
        if (syncInterval.isNegative() || syncInterval.isZero()) {
            throw new IllegalArgumentException("syncInterval must be positive, not " + syncInterval);
        }
        if (inboxFolder.equalsIgnoreCase(processedFolder) || inboxFolder.equalsIgnoreCase(quarantineFolder)
                || processedFolder.equalsIgnoreCase(quarantineFolder)) {
            throw new IllegalArgumentException("inbox, processed and quarantine folders must be three different "
                    + "folders, not " + inboxFolder + ", " + processedFolder + ", " + quarantineFolder);
        }
    }

    /** Enabled settings with the default folders. */
    public static MailboxSettings of(String host, int port, String username, String password,
                                     Encryption encryption, Duration syncInterval) {
        return new MailboxSettings(host, port, username, password, encryption, null, null, null, syncInterval, true);
    }

    public MailboxSettings withPort(int newPort) {
        return new MailboxSettings(host, newPort, username, password, encryption, inboxFolder, processedFolder,
                quarantineFolder, syncInterval, enabled);
    }

    public MailboxSettings withSyncInterval(Duration newSyncInterval) {
        return new MailboxSettings(host, port, username, password, encryption, inboxFolder, processedFolder,
                quarantineFolder, newSyncInterval, enabled);
    }

    public MailboxSettings withEnabled(boolean newEnabled) {
        return new MailboxSettings(host, port, username, password, encryption, inboxFolder, processedFolder,
                quarantineFolder, syncInterval, newEnabled);
    }

    /** Whether {@code other} reaches the same mailbox the same way (only the timing may differ). */
    boolean sameMailbox(MailboxSettings other) {
        return other != null && host.equals(other.host) && port == other.port && username.equals(other.username)
                && password.equals(other.password) && encryption == other.encryption
                && inboxFolder.equals(other.inboxFolder) && processedFolder.equals(other.processedFolder)
                && quarantineFolder.equals(other.quarantineFolder);
    }

    /** {@code imap://user@host:port/INBOX}, for log lines. */
    String describe() {
        return (encryption == Encryption.TLS ? "imaps" : "imap") + "://" + username + "@" + host + ":" + port + "/"
                + inboxFolder + (encryption == Encryption.STARTTLS ? " (STARTTLS)" : "");
    }

    @Override
    public String toString() {
        return "MailboxSettings[host=" + host + ", port=" + port + ", username=" + username + ", password="
                + (password.isEmpty() ? "" : "***") + ", encryption=" + encryption.value() + ", inboxFolder="
                + inboxFolder + ", processedFolder=" + processedFolder + ", quarantineFolder=" + quarantineFolder
                + ", syncInterval=" + syncInterval + ", enabled=" + enabled + "]";
    }

    private static String blankToDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
