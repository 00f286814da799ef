package dev.casey.query;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.time.format.DateTimeFormatter;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.ext.javatime.deser.InstantDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Instants in JSON as Jackson writes and reads them ({@link DateTimeFormatter#ISO_INSTANT}, e.g.
 * {@code 2026-12-01T23:57:12.345678Z}), without going through {@link DateTimeFormatter} for the form it writes
 * itself. Reading a case or a list of cases parses every time in the stored documents: through the formatter that
 * was a third of the time of reading a stored case and half of reading a page of summaries (ReadModelJsonBenchmark
 * in bench/). Anything else (offsets, lower case, leap seconds, years beyond 9999, numbers) goes to Jackson's own
 * deserializer, so what is accepted and refused does not change.
 */
public final class IsoInstants {

    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years ISO_INSTANT writes with four digits. */
    private static final long FIRST_SECOND = -62_167_219_200L;
    private static final long LAST_SECOND = 253_402_300_799L;
    private static final int SECONDS_PER_DAY = 86_400;

    private IsoInstants() {
    }

    /** The module for a mapper's builder ({@code addModule}). */
    public static SimpleModule module() {
        SimpleModule module = new SimpleModule("casey-iso-instants");
        module.addSerializer(Instant.class, new ValueSerializer<>() {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializationContext ctxt) {
                gen.writeString(format(value));
            }
        });
        module.addDeserializer(Instant.class, new Reader(InstantDeserializer.INSTANT));
        return module;
    }

    /** Reads the form written here itself, hands anything else to Jackson's deserializer (as configured). */
    private static final class Reader extends ValueDeserializer<Instant> {

        private final ValueDeserializer<?> jackson;

        Reader(ValueDeserializer<?> jackson) {
            this.jackson = jackson;
        }

        @Override
        public ValueDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            return new Reader(jackson.createContextual(ctxt, property));
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) {
            if (p.hasToken(JsonToken.VALUE_STRING)) {
                Instant parsed = parse(p.getString());
                if (parsed != null) {
                    return parsed;
                }
            }
            return (Instant) jackson.deserialize(p, ctxt);
        }
    }

    /** The instant as {@link DateTimeFormatter#ISO_INSTANT} formats it: 0, 3, 6 or 9 fraction digits. */
    public static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST_SECOND || seconds > LAST_SECOND) {
            return DateTimeFormatter.ISO_INSTANT.format(instant);
        }
        long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
        int time = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        LocalDate date = LocalDate.ofEpochDay(day);
        int nano = instant.getNano();
        int fraction = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
        char[] text = new char[20 + (fraction == 0 ? 0 : fraction + 1)];
        digits(text, 0, date.getYear(), 4);
        text[4] = '-';
        digits(text, 5, date.getMonthValue(), 2);
        text[7] = '-';
        digits(text, 8, date.getDayOfMonth(), 2);
        text[10] = 'T';
        digits(text, 11, time / 3600, 2);
        text[13] = ':';
        digits(text, 14, time / 60 % 60, 2);
        text[16] = ':';
        digits(text, 17, time % 60, 2);
        if (fraction > 0) {
            text[19] = '.';
            digits(text, 20, nano / (fraction == 3 ? 1_000_000 : fraction == 6 ? 1_000 : 1), fraction);
        }
        text[text.length - 1] = 'Z';
        return new String(text);
    }

    /**
     * The instant of {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} with 1 to 9 fraction digits, or null for any other text
     * (which the caller hands to the full parser, valid or not).
     */
    public static Instant parse(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || length == 21 || text.charAt(length - 1) != 'Z'
                || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || (length > 20 && text.charAt(19) != '.')) {
            return null;
        }
        int year = number(text, 0, 4);
        int month = number(text, 5, 2);
        int day = number(text, 8, 2);
        int hour = number(text, 11, 2);
        int minute = number(text, 14, 2);
        int second = number(text, 17, 2);
        int fraction = length == 20 ? 0 : number(text, 20, length - 21);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > Month.of(month).length(Year.isLeap(year))
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || fraction < 0) {
            return null;
        }
        for (int digits = length - 21; digits > 0 && digits < 9; digits++) {
            fraction *= 10;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second, fraction);
    }

    /** The decimal number of count digits at start, or -1 if any of them is not a digit. */
    private static int number(String text, int start, int count) {
        int value = 0;
        for (int i = start; i < start + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static void digits(char[] text, int start, int value, int count) {
        for (int i = start + count - 1; i >= start; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
