package dev.casey.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

class IsoInstantsTests {

    /** Jackson's own java.time handling: what the fast path must agree with. */
    static final JsonMapper JACKSON = JsonMapper.builder().build();
    static final JsonMapper FAST = JsonMapper.builder().addModule(IsoInstants.module()).build();

    static final long FIRST = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    static final long LAST = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    @Test
    void givenAnyInstantOfFourDigitYears_whenWrittenAndReadAgain_thenTheTextAndValueAreJacksonsOwn() {
        SplittableRandom random = new SplittableRandom(20261201);
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.ofEpochSecond(FIRST),
                Instant.ofEpochSecond(LAST, 999_999_999), Instant.ofEpochSecond(-1, 1),
                Instant.parse("2024-02-29T23:59:59.100Z"), Instant.parse("2026-12-01T00:00:00.000001Z")));
        for (int i = 0; i < 20_000; i++) {
            long second = random.nextLong(FIRST, LAST + 1);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(second, nano));
        }
        for (Instant instant : instants) {
            String json = JACKSON.writeValueAsString(instant);
            assertThat(FAST.writeValueAsString(instant)).as("%s", instant).isEqualTo(json);
            assertThat(IsoInstants.parse(json.substring(1, json.length() - 1))).as(json).isEqualTo(instant);
            assertThat(FAST.readValue(json, Instant.class)).as(json).isEqualTo(instant);
        }
    }

    @Test
    void givenFewerFractionDigitsThanWritten_whenRead_thenTheyAreTheSameFraction() {
        assertThat(IsoInstants.parse("2026-12-01T10:00:00.1Z")).isEqualTo(Instant.parse("2026-12-01T10:00:00.100Z"));
        assertThat(IsoInstants.parse("2026-12-01T10:00:00.12345Z"))
                .isEqualTo(Instant.parse("2026-12-01T10:00:00.123450Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"2026-12-01T10:00:00+01:00\"", "\"2026-12-01t10:00:00z\"", "\"2016-12-31T23:59:60Z\"",
            "\"+10000-01-01T00:00:00Z\"", "\"-0001-01-01T00:00:00Z\"", "\"2026-12-01T24:00:00Z\"", "1764583200",
            "1764583200.5", "\" 2026-12-01T10:00:00Z\"", "\"2026-12-01T10:00:00.Z\""})
    void givenAnotherFormThanTheOneWritten_whenRead_thenJacksonsOwnParserDecidesAsBefore(String json) {
        assertThat(IsoInstants.parse(json.replace("\"", ""))).isNull();
        assertThat(FAST.readValue(json, Instant.class)).isEqualTo(JACKSON.readValue(json, Instant.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-29T10:00:00Z", "2026-13-01T10:00:00Z", "2026-12-00T10:00:00Z",
            "2026-12-01T10:60:00Z", "2026-12-01T10:00:00.1234567890Z", "2026-12-01T1O:00:00Z",
            "2026-12-01 10:00:00Z", "yesterday"})
    void givenNoInstant_whenRead_thenItIsRefusedAsJacksonRefusesIt(String text) {
        String json = "\"" + text + "\"";
        assertThat(IsoInstants.parse(text)).isNull();
        assertThatThrownBy(() -> JACKSON.readValue(json, Instant.class)).isInstanceOf(JacksonException.class);
        assertThatThrownBy(() -> FAST.readValue(json, Instant.class)).isInstanceOf(JacksonException.class);
    }

    @Test
    void givenYearsBeyondFourDigits_whenWritten_thenTheFormatterWritesThem() {
        Instant far = Instant.parse("+12026-12-01T10:00:00Z");
        assertThat(IsoInstants.format(far)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(far));
    }
}
