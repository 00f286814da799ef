package dev.casey.mailgateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The building blocks below the parser: encoded words, parameters, addresses, transfer encodings. */
class HeaderDecodingTests {

    @Test
    void givenEncodedWordsGluedToTextAndUnknownCharset_whenDecoded_thenAllAreDecoded() {
        assertThat(EncodedWords.decode("Re:=?utf-8?q?_Gr=C3=BC=C3=9Fe?= and =?x-unknown?Q?caf=C3=A9?="))
                .isEqualTo("Re: Grüße and café");
    }

    @Test
    void givenTextWithoutEncodedWords_whenDecoded_thenItIsUnchanged() {
        assertThat(EncodedWords.decode("plain =? text ?=")).isEqualTo("plain =? text ?=");
    }

    @Test
    void givenEncodedWordThatIsNoBase64OrQ_whenDecoded_thenItStaysAsSent() {
        assertThat(EncodedWords.decode("=?utf-8?B?invalid base64!?=")).isEqualTo("=?utf-8?B?invalid base64!?=");
        assertThat(EncodedWords.decode("Re: =?utf-8?Q?caf=C3=A9?= =?utf-8?Q?50=%?="))
                .isEqualTo("Re: café =?utf-8?Q?50=%?=");
    }

    @Test
    void givenEncodedWordWithWhiteSpaceLeftByFolding_whenDecoded_thenItIsStillDecoded() {
        assertThat(EncodedWords.decode("=?utf-8?B?SGVsbG8g V29ybGQ=?=")).isEqualTo("Hello World");
    }

    @Test
    void givenContentTypeWithQuotesCommentsAndOddSpacing_whenParsed_thenValueAndParametersAreRead() {
        ContentHeader header = ContentHeader.parse(
                "Text/HTML ; charset = \"UTF-8\" (comment) ; format=flowed;boundary=\"a;b\"; name=\"x\\\"y.txt\"");

        assertThat(header.value()).isEqualTo("text/html");
        assertThat(header.parameter("charset")).isEqualTo("UTF-8");
        assertThat(header.parameter("FORMAT")).isEqualTo("flowed");
        assertThat(header.parameter("boundary")).isEqualTo("a;b");
        assertThat(header.parameter("name")).isEqualTo("x\"y.txt");
    }

    @Test
    void givenRfc2231WithIso2022JpContinuations_whenParsed_thenTheFilenameIsDecoded() {
        ContentHeader header = ContentHeader.parse("inline;"
                + " filename*0*=ISO-2022-JP'ja'%1b$B%3f7$7$$%25F%25%2d%259%25H%1b%28B;"
                + " filename*1*=%20; filename*2*=%1b$B%25I%25%2d%25e%25a%25s%25H%1b%28B; filename*3=.txt");

        assertThat(header.parameter("filename")).isEqualTo("新しいテキスト ドキュメント.txt");
    }

    @Test
    void givenUnbalancedQuoteAndMissingValue_whenParsed_thenNothingFails() {
        ContentHeader header = ContentHeader.parse("attachment; filename=\"unterminated.pdf; size");

        assertThat(header.value()).isEqualTo("attachment");
        assertThat(header.parameter("filename")).isEqualTo("unterminated.pdf; size");
        assertThat(ContentHeader.parse("").value()).isEmpty();
    }

    @Test
    void givenGroupsRoutesAndComments_whenAddressesParsed_thenOnlyMailboxesRemain() {
        assertThat(AddressParser.parseList(
                "Team: a@example.com, \"B, Bee\" <b@example.com>;, <@relay.example:c@example.com>,"
                        + " d@example.com (Dee)"))
                .containsExactly(
                        new MailAddress("a@example.com", null),
                        new MailAddress("b@example.com", "B, Bee"),
                        new MailAddress("c@example.com", null),
                        new MailAddress("d@example.com", "Dee"));
    }

    @Test
    void givenImplausibleAddresses_whenChecked_thenTheyAreRejected() {
        assertThat(AddressParser.isPlausible("jane@example.com")).isTrue();
        assertThat(AddressParser.isPlausible("\"odd name\"@example.com")).isTrue();
        assertThat(AddressParser.isPlausible("jürgen@example.de")).isTrue();
        assertThat(AddressParser.isPlausible("power quadrant system@example.com")).isFalse();
        assertThat(AddressParser.isPlausible("=?utf-8?Q?agent?=@example.com")).isFalse();
        assertThat(AddressParser.isPlausible("no-at-sign")).isFalse();
        assertThat(AddressParser.isPlausible("@example.com")).isFalse();
    }

    @Test
    void givenLenientBase64_whenDecoded_thenConcatenatedAndTruncatedInputWorks() {
        assertThat(new String(TransferDecoding.base64("SGk=IHRoZXJl\nIQ".getBytes(StandardCharsets.US_ASCII)),
                StandardCharsets.US_ASCII)).isEqualTo("Hi there!");
    }

    @Test
    void givenBrokenQuotedPrintable_whenDecoded_thenInvalidEscapesStayLiteral() {
        byte[] decoded = TransferDecoding.quotedPrintable("a=3Db =ZZ c=\r\nd= \ne=".getBytes(StandardCharsets.US_ASCII),
                false);

        assertThat(new String(decoded, StandardCharsets.US_ASCII)).isEqualTo("a=b =ZZ cde");
    }

    @Test
    void givenUnknownTransferEncoding_whenDecoded_thenTheBodyPassesUnchanged() {
        byte[] body = "Plain text, no Base64=\n".getBytes(StandardCharsets.US_ASCII);

        assertThat(TransferDecoding.decode(body, "x-weird")).isEqualTo(body);
    }

    @Test
    void givenUuencodeWithoutBeginLine_whenDecoded_thenTheDataIsStillDecoded() {
        assertThat(new String(TransferDecoding.uudecode(",2&5L;&\\@6F%M;6%D\n`\n".getBytes(StandardCharsets.US_ASCII)),
                StandardCharsets.US_ASCII)).isEqualTo("Hello Zammad");
    }
}
