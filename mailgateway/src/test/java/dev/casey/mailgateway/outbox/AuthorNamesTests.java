package dev.casey.mailgateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuthorNamesTests {

    private final AuthorNames names = new AuthorNames(List.of("Ben@Team.test", "ben.old@team.test"),
            List.of("Ben Foo", "Anna Bell", "Ann"), "Acme Support");

    @Test
    void aTeamMemberIsShownByTheirNameWhateverItIs() {
        assertThat(names.shown("ben@team.test", "Ben Foo")).isEqualTo("Ben Foo");
        assertThat(names.shown("BEN.OLD@team.test", "Acme Support")).isEqualTo("Acme Support");
    }

    @Test
    void someoneOutsideTheTeamBearingATeamMembersOrTheSupportsNameIsMarked() {
        for (String name : List.of("Ben Foo", "BEN  FOO", "ben.foo", "Bén Föo", "Ｂｅｎ Ｆｏｏ", "Ben Foo (IT)",
                "Mr. Ben Foo", "Acme Support", "Tim via Acme Support", "anna-bell", "Ann",
                "\u0412\u0435n F\u043e\u043e", "\u0391nna \u0392ell")) { // Cyrillic and Greek look-alikes
            assertThat(names.shown("someone@example.org", name)).as(name).isEqualTo(name + " (customer)");
        }
    }

    /** Characters that show nothing split no name: "Be\u200Bn Foo" looks like "Ben Foo" wherever it is shown. */
    @Test
    void aTeamMembersNameWithInvisibleCharactersInItIsMarked() {
        for (String name : List.of("Be\u200Bn Foo", "Be\u00ADn Foo", "Ben F\u2060oo", "B\u200Den Fo\u200Co",
                "\uFEFFBen \u200BFoo", "Ben\u3164Foo", "Ac\u200Bme Support")) {
            assertThat(names.shown("someone@example.org", name)).as(name).isEqualTo(name + " (customer)");
        }
    }

    @Test
    void otherNamesAreShownAsWritten() {
        for (String name : List.of("Benjamin Foo", "Ben", "Foo Ben", "Annabel", "BenFoo", "Support", "Acme", "",
                "\u0412\u0435\u043d \u0424\u043e\u043e")) { // "Вен Фоо" reads as no one of the team
            assertThat(names.shown("someone@example.org", name)).as(name).isEqualTo(name);
        }
        assertThat(names.shown("someone@example.org", null)).isNull();
    }
}
