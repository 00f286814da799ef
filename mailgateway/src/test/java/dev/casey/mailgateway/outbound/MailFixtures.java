package dev.casey.mailgateway.outbound;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

/** Shared test data: an identity, a composer and a complete mail of every kind. */
final class MailFixtures {

    static final String SUPPORT = "support@example.com";
    static final String DOMAIN = "support.example.com";
    static final String CUSTOMER = "some.user@other.tld";
    static final String ID = "casey.aaaaaaaaaaaaaaaaaaaaaaaaaa@" + DOMAIN;
    static final String PARENT = "casey.bbbbbbbbbbbbbbbbbbbbbbbbbb@" + DOMAIN;
    static final String FIRST = "casey.cccccccccccccccccccccccccc@" + DOMAIN;
    static final Instant DATE = Instant.parse("2026-11-23T12:34:56.789Z");
    static final MailIdentity IDENTITY = MailIdentity.of(SUPPORT, "Acme Support");
    static final MailComposer COMPOSER = new MailComposer(IDENTITY);
    static final Session SESSION = Session.getInstance(new Properties());

    private MailFixtures() {
    }

    /** A complete mail of the kind, to "Some User", in case K7QM-4XPD "I found a bug". */
    static OutgoingMail.Builder mail(MailKind kind) {
        OutgoingMail.Builder b = OutgoingMail.builder(kind)
                .messageId(ID)
                .date(DATE)
                .recipient("Some User", CUSTOMER)
                .caseReference("K7QM-4XPD")
                .caseSubject("I found a bug");
        return switch (kind) {
            case CONFIRMATION_REQUEST -> b.confirmUrl("https://support.example.com/confirm/314159").confirmCode("314159");
            case CASE_RECEIVED, NEW_CASE -> b.authorName("Some User").body("There is a bug over there!\nSee it?");
            case MESSAGE -> b.recipient("Some User", CUSTOMER).authorName("Ben Foo")
                    .body("Hello Some User,\n\ncan you tell us more?")
                    .inReplyTo(PARENT).references(List.of(FIRST, PARENT))
                    .history(List.of(new OutgoingMail.EarlierMessage("Some User",
                            Instant.parse("2026-11-22T08:00:00Z"), "There is a bug over there!\n\nSee it?")));
            case REMINDER -> b.recipient("Ben Foo", "ben@domain.tld").body("There is a bug over there!");
            case CASE_CLOSED -> b.reason("no activity for 30 days").inReplyTo(PARENT).references(List.of(FIRST, PARENT));
            case CLOSED_CASE_REFUSAL -> b.inReplyTo(PARENT);
        };
    }

    static MimeMessage parse(byte[] raw) {
        try {
            return new MimeMessage(SESSION, new ByteArrayInputStream(raw));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
