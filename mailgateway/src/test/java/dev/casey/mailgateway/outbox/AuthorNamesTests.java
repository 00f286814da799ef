package dev.casey.mailgateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casey.mailgateway.outbound.MailComposer;
import dev.casey.mailgateway.outbound.MailIdentity;
import dev.casey.mailgateway.outbound.MailKind;
import dev.casey.mailgateway.outbound.OutgoingMail;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
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

    /** Letters NFKD leaves that pass for Latin ones: small capitals, a Cyrillic capital whose small letter does. */
    @Test
    void smallCapitalsAndLookAlikeCapitalsAreMarked() {
        for (String name : List.of("\u0299\u1D07\u0274 \uA730\u1D0F\u1D0F", "\u1D00\u0274\u0274\u1D00 \u0299\u1D07\u029F\u029F")) {
            assertThat(names.shown("someone@example.org", name)).as(name).isEqualTo(name + " (customer)");
        }
        AuthorNames quinn = new AuthorNames(List.of(), List.of("Quinn"), "Acme Support");
        assertThat(quinn.shown("someone@example.org", "\u051Auinn")).isEqualTo("\u051Auinn (customer)");
    }

    /** Characters that show nothing split no name: "Be\u200Bn Foo" looks like "Ben Foo" wherever it is shown. */
    @Test
    void aTeamMembersNameWithInvisibleCharactersInItIsMarked() {
        for (String name : List.of("Be\u200Bn Foo", "Be\u00ADn Foo", "Ben F\u2060oo", "B\u200Den Fo\u200Co",
                "\uFEFFBen \u200BFoo", "Ben\u3164Foo", "Ac\u200Bme Support")) {
            assertThat(names.shown("someone@example.org", name)).as(name).isEqualTo(name + " (customer)");
        }
    }

    /**
     * The sender's name of a mail is cut to 100 code points: a long name bearing a team member's keeps its mark there,
     * also one made long with what shows nothing or with what writing it lengthens.
     */
    @Test
    void aLongNameKeepsItsMarkInTheSendersName() throws Exception {
        MailComposer composer = new MailComposer(MailIdentity.of("support@acme.test", "Acme Support"));
        for (String name : List.of("Ben Foo" + "\u200B".repeat(120), "Ben Foo " + "x".repeat(192),
                "Ben Foo" + " =?".repeat(60), "Ben Foo " + "\uD83C\uDDE9\uD83C\uDDEA".repeat(60))) {
            OutgoingMail mail = OutgoingMail.builder(MailKind.MESSAGE)
                    .messageId("casey.aaaaaaaaaaaaaaaaaaaaaaaaaa@acme.test").date(Instant.parse("2026-12-03T08:00:00Z"))
                    .recipient("Some User", "some.user@other.tld").caseReference("K7QM-4XPD").caseSubject("A bug")
                    .authorName(names.shown("someone@example.org", name)).body("Please send us your password.")
                    .build();
            MimeMessage sent = new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(composer.compose(mail).raw()));
            assertThat(((InternetAddress) sent.getFrom()[0]).getPersonal()).as(name)
                    .startsWith("Ben Foo").endsWith(" (customer) via Acme Support");
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
