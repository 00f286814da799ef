package dev.casey.mailgateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TeamAddressesTests {

    private final UnaryOperator<String> mask = TeamAddresses.maskedFor(
            List.of("ben@team.test", "anna.bell@team.test"), "support@casey.test");

    @Test
    void teamAddressesInTextBecomeTheSupportAddress() {
        assertThat(mask.apply("Ben Foo\nTeam Lead, BEN@team.test, +1 555 0100\n<anna.bell@team.test>"))
                .isEqualTo("Ben Foo\nTeam Lead, support@casey.test, +1 555 0100\n<support@casey.test>");
    }

    @Test
    void otherAddressesAndLookAlikesStay() {
        assertThat(mask.apply("write to customer@example.org or xben@team.test or ben@team.testing"))
                .isEqualTo("write to customer@example.org or xben@team.test or ben@team.testing");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            mailto:ben%40team.test                          | mailto:support@casey.test
            <mailto:BEN%40TEAM.TEST>                        | <mailto:support@casey.test>
            mailto:anna%2ebell%40team%2Etest?subject=Hi     | mailto:support@casey.test?subject=Hi
            mailto:%62%65%6E%40team.test                    | mailto:support@casey.test
            mailto:Ben%20Foo%20%3Cben%40team.test%3E        | mailto:Ben%20Foo%20%3Csupport@casey.test%3E
            https://x.test/?to=ben%40team.test&a=b          | https://x.test/?to=support@casey.test&a=b
            """)
    void percentEncodedTeamAddressesAsInMailtoLinksBecomeTheSupportAddress(String text, String expected) {
        assertThat(mask.apply(text)).isEqualTo(expected);
    }

    @Test
    void percentEncodedLookAlikesStay() {
        assertThat(mask.apply("mailto:xben%40team.test mailto:ben%40team.testing"))
                .isEqualTo("mailto:xben%40team.test mailto:ben%40team.testing");
    }

    @Test
    void aLinkEncodedTwiceAsLinkWrappersDoIsMaskedToo() {
        // Safe Links and click trackers encode the link they wrap once more: mailto:ben%40… becomes …ben%2540…
        assertThat(mask.apply("https://safelinks.example/?url=mailto%3Aben%2540team.test&data=x"))
                .isEqualTo("https://safelinks.example/?url=mailto%3A" + "support@casey.test" + "&data=x");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            reach me at "ben"@team.test today                 | reach me at support@casey.test today
            <"BEN"@Team.Test>                                 | <support@casey.test>
            "b\\en"@team.test                                  | support@casey.test
            "anna.bell"@team.test and "anna".bell@team.test   | support@casey.test and support@casey.test
            mailto:%22ben%22%40team.test                      | mailto:support@casey.test
            https://x.test/?to=%2522ben%2522%2540team.test    | https://x.test/?to=support@casey.test
            """)
    void aQuotedLocalPartNamesTheSameMailboxAndIsMaskedToo(String text, String expected) {
        assertThat(mask.apply(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ben&#64;team.test                 | support@casey.test
            <b>Ben&#X40;Team.test</b>         | <b>support@casey.test</b>
            ben&commat;team.test, xben&#64;team.test | support@casey.test, xben&#64;team.test
            """)
    void anAtSignWrittenAsAnHtmlCharacterReferenceIsMaskedToo(String text, String expected) {
        assertThat(mask.apply(text)).isEqualTo(expected);
    }

    @Test
    void quotedLookAlikesStay() {
        assertThat(mask.apply("\"xben\"@team.test \"ben x\"@team.test \"ben\"@team.testing"))
                .isEqualTo("\"xben\"@team.test \"ben x\"@team.test \"ben\"@team.testing");
    }

    @Test
    void mixedCaseOutsideAsciiIsMaskedToo() {
        UnaryOperator<String> mask = TeamAddresses.maskedFor(List.of("jörg@team.test"), "support@casey.test");
        assertThat(mask.apply("Jörg, JÖRG@Team.test")).isEqualTo("Jörg, support@casey.test");
    }

    @Test
    void withoutATeamNothingChanges() {
        assertThat(TeamAddresses.maskedFor(List.of(), "s@x.test").apply("ben@team.test")).isEqualTo("ben@team.test");
    }
}
