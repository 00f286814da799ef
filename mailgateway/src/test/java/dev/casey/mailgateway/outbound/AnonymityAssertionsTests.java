package dev.casey.mailgateway.outbound;

import static dev.casey.mailgateway.outbound.AnonymityAssertions.assertThatMail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The anonymity check must itself find leaks, wherever they hide. */
class AnonymityAssertionsTests {

    private static final String SUPPORT = "support@example.com";
    private static final String CUSTOMER = "some.user@other.tld";

    private static byte[] mail(String extraHeaders, String textHeaders, String text, String html) {
        return ("Date: Mon, 23 Nov 2026 12:34:56 +0000\r\n"
                + "From: \"Acme Support\" <support@example.com>\r\n"
                + "To: \"Some User\" <some.user@other.tld>\r\n"
                + "Message-ID: <casey.aaaa@support.example.com>\r\n"
                + "References: <casey.bbbb@support.example.com>\r\n <casey.cccc@support.example.com>\r\n"
                + "Subject: hello\r\n"
                + extraHeaders
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/alternative; boundary=\"b\"\r\n"
                + "\r\n"
                + "--b\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n" + textHeaders
                + "\r\n" + text + "\r\n"
                + "--b\r\n"
                + "Content-Type: text/html; charset=UTF-8\r\n"
                + "\r\n" + html + "\r\n"
                + "--b--\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static AnonymityAssertions.MailAnonymity check(byte[] raw) {
        return assertThatMail(raw).allows(SUPPORT, CUSTOMER).withMessageIdsAt("support.example.com");
    }

    @Test
    void givenAMailWithOnlyAllowedAddresses_whenChecked_thenItPasses() {
        byte[] raw = mail("", "", "Write to support@example.com or SOME.USER@other.tld.", "<p>mailto:support@example.com</p>");

        assertThat(check(raw).foreignAddresses()).isEmpty();
        check(raw).hasNoForeignAddress();
    }

    @Test
    void givenALeakInAHeader_whenChecked_thenItIsFound() {
        byte[] raw = mail("Cc: ben@domain.tld\r\n", "", "hi", "hi");

        assertThat(check(raw).foreignAddresses()).contains("message header Cc: ben@domain.tld");
        assertThatThrownBy(() -> check(raw).hasNoForeignAddress()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("ben@domain.tld");
    }

    @Test
    void givenALeakInAnEncodedDisplayName_whenChecked_thenItIsFound() {
        byte[] raw = mail("Reply-To: =?UTF-8?Q?ben=40domain.tld?= <support@example.com>\r\n", "", "hi", "hi");

        assertThat(check(raw).foreignAddresses()).contains("message header Reply-To (decoded): ben@domain.tld");
    }

    @Test
    void givenALeakInABase64Part_whenChecked_thenItIsFound() {
        String b64 = Base64.getMimeEncoder().encodeToString("Ben <ben@domain.tld> wrote".getBytes(StandardCharsets.UTF_8));
        byte[] raw = mail("", "Content-Transfer-Encoding: base64\r\n", b64, "hi");

        assertThat(check(raw).foreignAddresses()).containsExactly("message part 1 (text/plain): ben@domain.tld");
    }

    @Test
    void givenALeakHiddenInHtmlEntitiesOrPercentEncodingOrFullWidth_whenChecked_thenItIsFound() {
        byte[] raw = mail("", "", "ben\uFF20domain.tld", "<a href=\"mailto:ann%40private.tld\">ben&#64;domain.tld</a>");

        assertThat(check(raw).foreignAddresses()).containsExactlyInAnyOrder(
                "message part 1 (text/plain): ben@domain.tld",
                "message part 2 (text/html): ann@private.tld",
                "message part 2 (text/html, entities resolved): ann@private.tld",
                "message part 2 (text/html, entities resolved): ben@domain.tld");
    }

    @Test
    void givenAStrayAtSign_whenChecked_thenItIsFound() {
        byte[] raw = mail("", "", "ping @ me", "hi");

        assertThat(check(raw).foreignAddresses()).containsExactly("message part 1 (text/plain): stray @ in 'ping @ me'");
    }

    @Test
    void givenAMessageIdAtAForeignDomain_whenChecked_thenItIsFound() {
        byte[] raw = mail("In-Reply-To: <CAF123@mail.gmail.com>\r\n", "", "hi", "hi");

        assertThat(check(raw).foreignAddresses())
                .containsExactly("message header In-Reply-To: msg-id at a foreign domain <CAF123@mail.gmail.com>");
        assertThat(assertThatMail(raw).allows(SUPPORT, CUSTOMER).foreignAddresses()).isEmpty();
    }

    @Test
    void givenAnAddressOutsideAngleBracketsInAnIdHeader_whenChecked_thenItIsFound() {
        byte[] raw = mail("In-Reply-To: ben@domain.tld\r\n", "", "hi", "hi");

        assertThat(check(raw).foreignAddresses()).contains("message header In-Reply-To: ben@domain.tld");
    }
}
