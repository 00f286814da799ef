package dev.casey.mailgateway.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MailTextTests {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            john.doe@example.com                 | john.doe@example.com
            Ann <ann@private.tld>                | Ann <ann@private.tld>
            Name with mail me@home.tld           | Name with mail me@home.tld
            Meeting @ 5pm                        | Meeting @ 5pm
            user@ is invalid                     | user@ is invalid
            ann＠private.tld                      | ann＠private.tld
            @handle                              | @handle
            plain name                           | plain name
            """)
    void givenNamesWithAddressesOrAtSigns_whenSanitised_thenTheyStayAsWritten(String name, String expected) {
        assertThat(MailText.name(name)).isEqualTo(expected);
    }

    @Test
    void givenBlankNames_whenSanitised_thenTheyBecomeNull() {
        assertThat(MailText.name(null)).isNull();
        assertThat(MailText.name(" \r\n\t")).isNull();
    }

    @Test
    void givenALongName_whenSanitised_thenItIsCutTo100CodePointsWithAnEllipsis() {
        String name = MailText.name("😀".repeat(150));

        assertThat(name.codePointCount(0, name.length())).isEqualTo(100);
        assertThat(name).isEqualTo("😀".repeat(99) + "\u2026");
    }

    @Test
    void givenALoneSurrogate_whenSanitised_thenItBecomesTheReplacementCharacter() {
        assertThat(MailText.oneLine("a\uD800b", 10)).isEqualTo("a\uFFFDb");
        assertThat(MailText.multiLine("a\uDC00b")).isEqualTo("a\uFFFDb");
    }

    @Test
    void givenTextWithEncodedWordSyntax_whenMadeOneLine_thenTheSequenceIsBrokenUp() {
        assertThat(MailText.oneLine("=?utf-8?q?x?=", 100)).isEqualTo("= ?utf-8?q?x?=");
    }
}
