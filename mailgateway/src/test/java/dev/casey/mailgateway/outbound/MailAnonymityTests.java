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
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Product promise: a composed mail names no address but the support address(es) and the recipient's own. */
class MailAnonymityTests {

    private static final String REPLY_TO = "support+k7qm4xpd@example.com";

    @ParameterizedTest
    @EnumSource(MailKind.class)
    void givenNamesAndSubjectFullOfAddresses_whenEveryKindIsComposed_thenNoForeignAddressIsInTheMail(MailKind kind)
            throws Exception {
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

        assertThatMail(composed.raw())
                .allows(SUPPORT, CUSTOMER, REPLY_TO)
                .withMessageIdsAt(DOMAIN)
                .hasNoForeignAddress();
        assertThat(composed.text()).doesNotContain("@", "＠");
        assertThat(composed.html()).doesNotContain("@", "＠", "&#64;", "&commat;");
        assertThat(composed.subject())
                .isEqualTo("[Casey K7QM-4XPD] Account of ceo (cc: audit) and = ?UTF-8?Q?x=40y.org?=");
        InternetAddress from = (InternetAddress) parse(composed.raw()).getFrom()[0];
        assertThat(from.getAddress()).isEqualTo(SUPPORT);
        if (kind.fromAuthor()) {
            assertThat(from.getPersonal()).isEqualTo("evil \"Ann\" <ann.private> ann handle via Acme Support");
        } else {
            assertThat(from.getPersonal()).isEqualTo("Acme Support");
        }
    }
}
