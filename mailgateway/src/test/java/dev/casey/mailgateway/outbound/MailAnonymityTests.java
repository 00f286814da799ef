package dev.casey.mailgateway.outbound;

import static dev.casey.mailgateway.outbound.AnonymityAssertions.assertThatMail;
import static dev.casey.mailgateway.outbound.MailFixtures.COMPOSER;
import static dev.casey.mailgateway.outbound.MailFixtures.CUSTOMER;
import static dev.casey.mailgateway.outbound.MailFixtures.DOMAIN;
import static dev.casey.mailgateway.outbound.MailFixtures.SUPPORT;
import static dev.casey.mailgateway.outbound.MailFixtures.mail;
import static dev.casey.mailgateway.outbound.MailFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Product promise: a composed mail is sent to its recipient only and from the support address only; addresses
 * people wrote into names and the subject are shown as text, never become addresses of the mail, and the mail
 * names no address that nobody wrote.
 */
class MailAnonymityTests {

    private static final String REPLY_TO = "support+k7qm4xpd@example.com";
    private static final String[] WRITTEN = {"evil@x.org", "ann.private@private.tld", "some.user@other.tld",
            "boss@other.tld", "ceo@bank.com", "audit@bank.com", "ben@domain.tld", "ann@fullwidth.tld", "@handle"};

    @ParameterizedTest
    @EnumSource(MailKind.class)
    void givenNamesAndSubjectFullOfAddresses_whenEveryKindIsComposed_thenTheyAreTextAndTheMailGoesOnlyToTheRecipient(
            MailKind kind) throws Exception {
        OutgoingMail mail = mail(kind)
                .authorName("evil@x.org \"Ann\" <ann.private@private.tld> ann＠fullwidth.tld @handle")
                .recipient("Some User <some.user@other.tld>, boss@other.tld", CUSTOMER)
                .caseSubject("Account of ceo@bank.com (cc: audit@bank.com) and =?UTF-8?Q?x=40y.org?=")
                .history(List.of(
                        new OutgoingMail.EarlierMessage("ann.private@private.tld", Instant.parse("2026-11-22T08:00:00Z"),
                                "There is a bug over there!"),
                        new OutgoingMail.EarlierMessage("Ben <ben@domain.tld>", Instant.parse("2026-11-21T08:00:00Z"),
                                "Hello")))
                .replyTo(REPLY_TO)
                .build();

        ComposedMail composed = COMPOSER.compose(mail);
        MimeMessage m = parse(composed.raw());

        assertThat(m.getFrom()).hasSize(1);
        assertThat(((InternetAddress) m.getFrom()[0]).getAddress()).isEqualTo(SUPPORT);
        assertThat(m.getAllRecipients()).hasSize(1);
        assertThat(((InternetAddress) m.getAllRecipients()[0]).getAddress()).isEqualTo(CUSTOMER);
        assertThat(((InternetAddress) m.getAllRecipients()[0]).getPersonal())
                .isEqualTo("Some User <some.user@other.tld>, boss@other.tld");
        assertThat(m.getReplyTo()).extracting(a -> ((InternetAddress) a).getAddress()).containsExactly(REPLY_TO);
        assertThatMail(composed.raw())
                .allows(SUPPORT, CUSTOMER, REPLY_TO)
                .allows(WRITTEN)
                .withMessageIdsAt(DOMAIN)
                .hasNoForeignAddress();
        assertThat(composed.subject())
                .isEqualTo("[Casey K7QM-4XPD] Account of ceo@bank.com (cc: audit@bank.com) and = ?UTF-8?Q?x=40y.org?=");
        InternetAddress from = (InternetAddress) m.getFrom()[0];
        if (kind.fromAuthor()) {
            // shown as the sender, a name keeps no address: "ben@team.tld via Support" would pass for the team's
            assertThat(from.getPersonal()).isEqualTo("evil \"Ann\" <ann.private> ann handle via Acme Support");
        } else {
            assertThat(from.getPersonal()).isEqualTo("Acme Support");
        }
    }
}
