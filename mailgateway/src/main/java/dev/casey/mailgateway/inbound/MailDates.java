package dev.casey.mailgateway.inbound;

import jakarta.mail.internet.MailDateFormat;
import java.text.ParsePosition;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.Locale;

/** The Date header as an instant, or null when it cannot be read. */
final class MailDates {

    /** asctime(), as written by old Unix mailers and some scripts: "Fri May  4 14:01:03 2012". */
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ENGLISH);

    private MailDates() {
    }

    static Instant parse(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            // MailDateFormat is lenient: no weekday, two-digit years, obsolete zones, trailing junk.
            Date date = new MailDateFormat().parse(header.trim(), new ParsePosition(0));
            if (date != null) {
                return date.toInstant();
            }
        } catch (RuntimeException unreadable) {
            // Fall through to the asctime format.
        }
        try {
            return LocalDateTime.parse(header.trim().replaceAll("\\s+", " "), ASCTIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException unreadable) {
            return null;
        }
    }
}
