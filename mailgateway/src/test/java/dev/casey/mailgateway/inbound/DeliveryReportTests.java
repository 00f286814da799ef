package dev.casey.mailgateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryReportTests {

    private final InboundMailParser parser = new InboundMailParser();

    private InboundMail parse(String raw) throws UnparseableMailException {
        return parser.parse(raw.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void givenStandardDeliveryStatusNotification_whenParsed_thenTheReportIsRead() throws Exception {
        InboundMail mail = parse("""
                From: MAILER-DAEMON@mx.example.com (Mail Delivery System)
                To: support@casey.example
                Subject: Undelivered Mail Returned to Sender
                Content-Type: multipart/report; report-type=delivery-status; boundary="R"

                --R
                Content-Type: text/plain

                I'm sorry to have to inform you that your message could not be delivered.

                <gone@example.org>: host mx.example.org said: 550 5.1.1 User unknown
                --R
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.example.com

                Final-Recipient: rfc822; gone@example.org
                Original-Recipient: rfc822;gone@example.org
                Action: failed
                Status: 5.1.1
                Diagnostic-Code: smtp; 550 5.1.1 <gone@example.org>:
                    Recipient address rejected: User unknown

                Final-Recipient: rfc822; late@example.org
                Action: delayed
                Status: 4.4.1
                --R
                Content-Type: text/rfc822-headers

                From: support@casey.example
                Message-ID: <case-42.reply-7@casey.example>
                Subject: Your case
                --R--
                """);

        assertThat(mail.deliveryReport()).isEqualTo(new DeliveryReport("case-42.reply-7@casey.example",
                List.of("gone@example.org"), "failed", "5.1.1",
                "550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown"));
        assertThat(mail.deliveryReport().isFailure()).isTrue();
        assertThat(mail.text()).isEqualTo(
                "I'm sorry to have to inform you that your message could not be delivered.\n\n"
                + "<gone@example.org>: host mx.example.org said: 550 5.1.1 User unknown");
        assertThat(mail.attachments()).extracting(InboundAttachment::contentType)
                .containsExactly("message/delivery-status", "text/rfc822-headers");
        assertThat(mail.autoReply()).isEqualTo(AutoReply.DELIVERY_REPORT);
    }

    @Test
    void givenDelayReport_whenParsed_thenNoRecipientFailed() throws Exception {
        InboundMail mail = parse("""
                From: Mail Delivery Subsystem <mailer-daemon@example.com>
                Subject: Delivery Status Notification (Delay)
                Content-Type: multipart/report; report-type=delivery-status; boundary=R

                --R
                Content-Type: text/plain

                Still trying.
                --R
                Content-Type: message/delivery-status

                Reporting-MTA: dns; example.com
                X-Original-Message-ID: <sent-1@casey.example>

                Final-Recipient: rfc822; slow@example.org
                Action: delayed
                Status: 4.4.1
                --R--
                """);

        assertThat(mail.deliveryReport()).isEqualTo(
                new DeliveryReport("sent-1@casey.example", List.of(), "delayed", "4.4.1", null));
        assertThat(mail.deliveryReport().isFailure()).isFalse();
    }

    @Test
    void givenPostfixTextBounce_whenParsed_thenRecipientStatusAndOriginalIdAreFound() throws Exception {
        InboundMail mail = parse("""
                From: MAILER-DAEMON@mx.example.com (Mail Delivery System)
                Subject: Undelivered Mail Returned to Sender

                This is the mail system at host mx.example.com.

                <gone@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1
                    <gone@example.org>: Recipient address rejected: User unknown

                ------ Original message ------
                Message-ID: <case-7@casey.example>
                Subject: hello
                """);

        assertThat(mail.deliveryReport()).isEqualTo(new DeliveryReport("case-7@casey.example",
                List.of("gone@example.org"), "failed", "5.1.1",
                "host mx.example.org[192.0.2.1] said: 550 5.1.1 <gone@example.org>: Recipient address rejected: "
                        + "User unknown"));
    }

    @Test
    void givenEximTextBounce_whenParsed_thenTheFailedAddressIsFound() throws Exception {
        InboundMail mail = parse("""
                From: Mail Delivery System <Mailer-Daemon@mail.example.net>
                Subject: Mail delivery failed: returning message to sender

                This message was created automatically by mail delivery software.

                A message that you sent could not be delivered to one or more of its
                recipients. This is a permanent error. The following address(es) failed:

                  nobody@example.org
                    SMTP error from remote mail server after RCPT TO:<nobody@example.org>:
                    550 5.1.1 mailbox unavailable
                """);

        assertThat(mail.deliveryReport()).isEqualTo(new DeliveryReport(null, List.of("nobody@example.org"),
                "failed", "5.1.1",
                "SMTP error from remote mail server after RCPT TO:<nobody@example.org>:"
                        + " 550 5.1.1 mailbox unavailable"));
    }

    @Test
    void givenGmailStyleFailureNotice_whenParsed_thenItIsAReport() throws Exception {
        InboundMail mail = parse("""
                From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
                Subject: Delivery Status Notification (Failure)

                Your message wasn't delivered to lost@example.org because the address couldn't be found.
                """);

        assertThat(mail.deliveryReport()).isEqualTo(
                new DeliveryReport(null, List.of("lost@example.org"), "failed", null, null));
    }

    @Test
    void givenPostmasterMailWithAnOrdinarySubject_whenParsed_thenItIsNoReport() throws Exception {
        InboundMail mail = parse("From: postmaster@example.com\nSubject: Your new mailbox\n\nWelcome!\n");

        assertThat(mail.deliveryReport()).isNull();
        assertThat(mail.autoReply()).isEqualTo(AutoReply.NONE);
    }

    @Test
    void givenBounceSubjectFromAPerson_whenParsed_thenItIsNoReport() throws Exception {
        InboundMail mail = parse("From: jane@example.com\nSubject: Fwd: Undelivered Mail Returned to Sender\n\nWhy?\n");

        assertThat(mail.deliveryReport()).isNull();
    }
}
