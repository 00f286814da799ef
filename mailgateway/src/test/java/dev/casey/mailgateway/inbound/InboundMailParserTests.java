package dev.casey.mailgateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class InboundMailParserTests {

    private final InboundMailParser parser = new InboundMailParser();

    private InboundMail parse(String raw) throws UnparseableMailException {
        return parser.parse(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(Charset charset, String... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String piece : pieces) {
            out.writeBytes(piece.getBytes(charset));
        }
        return out.toByteArray();
    }

    @Nested
    class Headers {

        @Test
        void givenThreadingHeaders_whenParsed_thenIdsComeWithoutBrackets() throws Exception {
            InboundMail mail = parse("""
                    From: jane@example.com
                    Message-ID: <abc.123@mail.example.com>
                    In-Reply-To: <parent@example.com> (Jane's message of Monday)
                    References: <root@example.com>
                     <parent@example.com>
                    Subject: Re: help

                    Thanks
                    """);

            assertThat(mail.messageId()).isEqualTo("abc.123@mail.example.com");
            assertThat(mail.inReplyTo()).containsExactly("parent@example.com");
            assertThat(mail.references()).containsExactly("root@example.com", "parent@example.com");
        }

        @Test
        void givenMessageIdWithoutBrackets_whenParsed_thenTheBareIdIsTaken() throws Exception {
            InboundMail mail = parse("""
                    From: jane@example.com
                    Message-Id: 20200123143934.05D7EE792E@example.com

                    Hi
                    """);

            assertThat(mail.messageId()).isEqualTo("20200123143934.05D7EE792E@example.com");
        }

        @Test
        void givenNoMessageId_whenParsed_thenItIsNullAndListsAreEmpty() throws Exception {
            InboundMail mail = parse("From: jane@example.com\n\nHi\n");

            assertThat(mail.messageId()).isNull();
            assertThat(mail.inReplyTo()).isEmpty();
            assertThat(mail.references()).isEmpty();
            assertThat(mail.subject()).isEmpty();
            assertThat(mail.date()).isNull();
        }

        @Test
        void givenAddressHeaders_whenParsed_thenMailboxesAreSplitAndNamesDecoded() throws Exception {
            InboundMail mail = parse("""
                    From: =?iso-8859-1?Q?B=FCrling,_Andreas?= <andreas@example.com>
                    To: "Support, Team" <support@example.com>, bob@example.com (Bob Builder)
                    Cc: undisclosed-recipients:;
                    Cc: Carol <carol@example.com>
                    Reply-To: =?utf-8?B?SmFuZSBEw7Zl?= <jane@example.com>

                    Hi
                    """);

            assertThat(mail.from()).isEqualTo(new MailAddress("andreas@example.com", "Bürling, Andreas"));
            assertThat(mail.to()).containsExactly(
                    new MailAddress("support@example.com", "Support, Team"),
                    new MailAddress("bob@example.com", "Bob Builder"));
            assertThat(mail.cc()).containsExactly(new MailAddress("carol@example.com", "Carol"));
            assertThat(mail.replyTo()).containsExactly(new MailAddress("jane@example.com", "Jane Döe"));
        }

        @Test
        void givenEncodedWordAsAddress_whenParsed_thenItIsNeverDecodedAndTreatedAsInvalid() throws Exception {
            InboundMail mail = parse("""
                    From: =?utf-8?Q?ceo=40bank.example?=@evil.example
                    To: =?utf-8?B?YWdlbnRAZXhhbXBsZS5jb20=?= <=?utf-8?Q?x?=@example.com>, ok@example.com
                    Subject: test

                    Hi
                    """);

            assertThat(mail.from()).isNull();
            assertThat(mail.to()).containsExactly(new MailAddress("ok@example.com", null));
            assertThat(mail.headers()).containsEntry("From", "=?utf-8?Q?ceo=40bank.example?=@evil.example");
        }

        @Test
        void givenInvalidFromAndASender_whenParsed_thenTheSenderStandsIn() throws Exception {
            InboundMail mail = parse("""
                    From: [??????]
                    Sender: Robot <robot@example.com>

                    Hi
                    """);

            assertThat(mail.from()).isEqualTo(new MailAddress("robot@example.com", "Robot"));
        }

        @Test
        void givenNoFromButReplyTo_whenParsed_thenReplyToStandsIn() throws Exception {
            InboundMail mail = parse("""
                    From someone@example.org  Tue Oct 29 03:52:03 2013
                    Return-Path: <bounce@example.org>
                    Reply-To: <answer@example.org>
                    Subject: no from

                    Hi
                    """);

            assertThat(mail.from()).isEqualTo(new MailAddress("answer@example.org", null));
            assertThat(mail.returnPath()).isEqualTo("<bounce@example.org>");
        }

        @Test
        void givenDisplayNameWithoutAngleBrackets_whenParsed_thenTheAddressWordIsTheAddress() throws Exception {
            InboundMail mail = parse("From: Test test@example.com\n\nHi\n");

            assertThat(mail.from()).isEqualTo(new MailAddress("test@example.com", "Test"));
        }

        @Test
        void givenCommentInDisplayName_whenParsed_thenThePhraseIsTheName() throws Exception {
            InboundMail mail = parse("From: MAILER-DAEMON (Mail Delivery System) <postmaster@example.com>\n\nx\n");

            assertThat(mail.from()).isEqualTo(new MailAddress("postmaster@example.com", "MAILER-DAEMON"));
        }

        @Test
        void givenQAndBEncodedSubjectFoldedOverLines_whenParsed_thenItIsDecodedJoinedAndTrimmed() throws Exception {
            InboundMail mail = parse("""
                    From: jane@example.com
                    Subject:  =?ISO-8859-1?Q?Gr=FC=DFe_aus?=
                    \t=?UTF-8?B?IEvDtmxu?= und
                      =?utf-8?q?D=C3=BCsseldorf?=\s

                    Hi
                    """);

            assertThat(mail.subject()).isEqualTo("Grüße aus Köln und Düsseldorf");
        }

        @Test
        void givenMultiByteCharacterSplitAcrossEncodedWords_whenParsed_thenTheCharacterIsWhole() throws Exception {
            // "Grüße" in UTF-8 is 47 72 C3 BC C3 9F 65; the first word ends after C3.
            InboundMail mail = parse("""
                    From: jane@example.com
                    Subject: =?UTF-8?Q?Gr=C3?= =?UTF-8?Q?=BC=C3=9Fe?=

                    Hi
                    """);

            assertThat(mail.subject()).isEqualTo("Grüße");
        }

        @Test
        void givenEncodedWordWithSpacesAndBadPadding_whenParsed_thenItIsStillDecoded() throws Exception {
            InboundMail mail = parse("""
                    From: jane@example.com
                    Subject: =?us-ascii?Q?ABC / 123?= =?gb18030?B?suLK1A===?=

                    Hi
                    """);

            assertThat(mail.subject()).isEqualTo("ABC / 123测试");
        }

        @Test
        void givenEncodedWordThatIsNoBase64_whenParsed_thenTheSubjectKeepsItAsSent() throws Exception {
            InboundMail mail = parse("""
                    From: jane@example.com
                    Subject: =?utf-8?B?invalid base64!?=

                    Hi
                    """);

            assertThat(mail.subject()).isEqualTo("=?utf-8?B?invalid base64!?=");
        }

        @Test
        void givenAnInternationalisedDomainWrittenInUtf8_whenParsed_thenTheAddressHasItsAsciiForm() throws Exception {
            InboundMail mail = parse("""
                    From: Kunde <kunde@M\u00FCnchen.example>
                    Reply-To: j\u00F6rg@m\u00FCnchen.example, info@stra\u00DFe.example
                    Subject: Hallo

                    Hi
                    """);

            assertThat(mail.from()).isEqualTo(new MailAddress("kunde@xn--mnchen-3ya.example", "Kunde"));
            // a UTF-8 local part needs SMTPUTF8 whatever the domain; IDNA 2003 would take "straße" for "strasse"
            assertThat(mail.replyTo()).extracting(MailAddress::address)
                    .containsExactly("j\u00F6rg@m\u00FCnchen.example", "info@stra\u00DFe.example");
        }

        @Test
        void givenRawUtf8Headers_whenParsed_thenTheyAreDecodedAsUtf8() throws Exception {
            InboundMail mail = parse("""
                    From: "Jürgen Müller" <juergen@example.com>
                    Subject: Größe prüfen – 東京
                    Content-Type: text/plain; charset=iso-8859-1

                    Hi
                    """);

            assertThat(mail.from()).isEqualTo(new MailAddress("juergen@example.com", "Jürgen Müller"));
            assertThat(mail.subject()).isEqualTo("Größe prüfen – 東京");
        }

        @Test
        void givenRawLatin1Headers_whenParsed_thenTheBodyCharsetDecodesThem() throws Exception {
            byte[] raw = bytes(StandardCharsets.ISO_8859_1, """
                    From: Jürgen <juergen@example.com>
                    Subject: Größe
                    Content-Type: text/plain; charset=iso-8859-1

                    Grüße
                    """);

            InboundMail mail = parser.parse(raw);

            assertThat(mail.from().name()).isEqualTo("Jürgen");
            assertThat(mail.subject()).isEqualTo("Größe");
            assertThat(mail.text()).isEqualTo("Grüße");
        }

        @Test
        void givenDateHeaders_whenParsed_thenTheyAreInstants() throws Exception {
            assertThat(parse("From: a@example.com\nDate: Fri, 4 May 2012 14:01:03 +0200\n\nx\n").date())
                    .isEqualTo(Instant.parse("2012-05-04T12:01:03Z"));
            assertThat(parse("From: a@example.com\nDate: 24 Sep 2018 10:22:54 -0700 (PDT)\n\nx\n").date())
                    .isEqualTo(Instant.parse("2018-09-24T17:22:54Z"));
            assertThat(parse("From: a@example.com\nDate: Fri May  4 14:01:03 2012\n\nx\n").date())
                    .isEqualTo(Instant.parse("2012-05-04T14:01:03Z"));
            assertThat(parse("From: a@example.com\nDate: last Tuesday\n\nx\n").date()).isNull();
        }

        @Test
        void givenCrLfLineEnds_whenParsed_thenTheResultIsTheSameAsWithLf() throws Exception {
            String lf = "From: a@example.com\nSubject: Hello\n  world\n\nLine one\nLine two\n";

            InboundMail crlf = parser.parse(lf.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII));

            assertThat(crlf.subject()).isEqualTo("Hello world");
            assertThat(crlf.text()).isEqualTo("Line one\nLine two");
        }

        @Test
        void givenNullReturnPath_whenParsed_thenItIsKeptRawAndRecognised() throws Exception {
            InboundMail mail = parse("Return-Path: <>\nFrom: a@example.com\n\nx\n");

            assertThat(mail.returnPath()).isEqualTo("<>");
            assertThat(mail.hasNullReturnPath()).isTrue();
        }

        @Test
        void givenJunkLineAndUnindentedContinuations_whenParsed_thenTheHeaderBlockIsStillRead() throws Exception {
            InboundMail mail = parse("""
                    ---- Original email message ----
                    Received: from mail.example.cz
                    by mx.example.cz with ESMTP
                    for helpdesk@example.cz;
                    From: sender@example.cz
                    Subject: Contact form

                    Body
                    """);

            assertThat(mail.from()).isEqualTo(new MailAddress("sender@example.cz", null));
            assertThat(mail.subject()).isEqualTo("Contact form");
            assertThat(mail.text()).isEqualTo("Body");
        }
    }

    @Nested
    class Refusals {

        @Test
        void givenProseWithoutHeaderBlock_whenParsed_thenItIsRefusedAsNoMail() {
            assertThatThrownBy(() -> parse("Lorem ipsum dolor sit amet, consectetur adipisicing elit,\nsed do.\n"))
                    .isInstanceOf(UnparseableMailException.class)
                    .extracting(thrown -> ((UnparseableMailException) thrown).reason())
                    .isEqualTo(UnparseableMailException.Reason.NO_HEADER_BLOCK);
        }

        @Test
        void givenEmptyInput_whenParsed_thenItIsRefused() {
            assertThatThrownBy(() -> parser.parse(new byte[0]))
                    .isInstanceOf(UnparseableMailException.class)
                    .extracting(thrown -> ((UnparseableMailException) thrown).reason())
                    .isEqualTo(UnparseableMailException.Reason.NO_HEADER_BLOCK);
        }

        @Test
        void givenHeadersWithoutAnyOriginator_whenParsed_thenItIsRefused() {
            assertThatThrownBy(() -> parse("To: support@example.com\nSubject: hello\n\nbody\n"))
                    .isInstanceOf(UnparseableMailException.class)
                    .extracting(thrown -> ((UnparseableMailException) thrown).reason())
                    .isEqualTo(UnparseableMailException.Reason.NO_ORIGINATOR);
        }

        @Test
        void givenInputLargerThanTheLimit_whenParsed_thenItIsRefusedAsTooLarge() {
            InboundMailParser small = new InboundMailParser(100, 100);
            byte[] raw = ("From: a@example.com\n\n" + "x".repeat(200)).getBytes(StandardCharsets.US_ASCII);

            assertThatThrownBy(() -> small.parse(raw))
                    .isInstanceOf(UnparseableMailException.class)
                    .hasMessageContaining("exceeds the limit of 100 bytes")
                    .extracting(thrown -> ((UnparseableMailException) thrown).reason())
                    .isEqualTo(UnparseableMailException.Reason.TOO_LARGE);
        }

        @Test
        void givenBinaryGarbage_whenParsed_thenItIsRefusedWithoutAnyOtherException() {
            byte[] garbage = new byte[4096];
            new Random(42).nextBytes(garbage);

            assertThatThrownBy(() -> parser.parse(garbage)).isInstanceOf(UnparseableMailException.class);
        }
    }

    @Nested
    class Bodies {

        @Test
        void givenPlainTextWithoutContentType_whenParsed_thenTheBodyIsTheText() throws Exception {
            InboundMail mail = parse("From: a@example.com\n\nHello,\n\nplain text.\n\n\n");

            assertThat(mail.text()).isEqualTo("Hello,\n\nplain text.");
        }

        @Test
        void givenJoinersInsideWords_whenParsed_thenTheyAreKeptAndOnlyPaddingGoes() throws Exception {
            String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
            String persian = "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645";
            InboundMail mail = parse("From: a@example.com\nContent-Type: text/plain; charset=utf-8\n\n"
                    + "Thanks " + family + " " + persian + "\n\u200C\u200D\u200Bpadding\u200D \uFEFF\n");

            assertThat(mail.text()).isEqualTo("Thanks " + family + " " + persian + "\npadding");
        }

        @Test
        void givenHtmlOnlyMail_whenParsed_thenReadableTextKeepsBreaksAndLinks() throws Exception {
            InboundMail mail = parse("""
                    From: a@example.com
                    Content-Type: text/html; charset=utf-8

                    <html><head><style>p { color: red }</style><script>alert(1)</script></head>
                    <body><p>Hello&nbsp;Jane,</p><p>see <a href="https://example.com/docs">our docs</a> or
                    <a href="https://example.com">https://example.com</a>.<br>Line two</p>
                    <div>Bye</div></body></html>
                    """);

            assertThat(mail.text()).isEqualTo("""
                    Hello Jane,

                    see our docs (https://example.com/docs) or https://example.com.
                    Line two

                    Bye""");
        }

        @Test
        void givenAlternative_whenParsed_thenPlainTextIsPreferred() throws Exception {
            InboundMail mail = parse("""
                    From: a@example.com
                    Content-Type: multipart/alternative; boundary="b1"

                    --b1
                    Content-Type: text/plain; charset=utf-8

                    Plain version
                    --b1
                    Content-Type: text/html; charset=utf-8

                    <p>HTML version</p>
                    --b1--
                    """);

            assertThat(mail.text()).isEqualTo("Plain version");
        }

        @Test
        void givenNestedMixedAlternativeRelated_whenParsed_thenBodyAndFilesAreSortedOut() throws Exception {
            String png = Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
            InboundMail mail = parse("""
                    From: a@example.com
                    Content-Type: multipart/mixed; boundary="outer"

                    --outer
                    Content-Type: multipart/alternative; boundary="alt"

                    --alt
                    Content-Type: text/plain; charset=utf-8

                    Hello in plain
                    --alt
                    Content-Type: multipart/related; boundary="rel"

                    --rel
                    Content-Type: text/html; charset=utf-8

                    <p>Hello in <b>HTML</b> <img src="cid:logo@x"></p>
                    --rel
                    Content-Type: image/png
                    Content-ID: <logo@x>
                    Content-Transfer-Encoding: base64

                    %s
                    --rel--
                    --alt--
                    --outer
                    Content-Type: application/pdf; name="report.pdf"
                    Content-Disposition: attachment; filename="report.pdf"
                    Content-Transfer-Encoding: base64

                    JVBERi0=
                    --outer--
                    """.formatted(png));

            assertThat(mail.text()).isEqualTo("Hello in plain");
            assertThat(mail.attachments()).containsExactly(
                    new InboundAttachment(null, "image/png", 4, new byte[] {(byte) 0x89, 'P', 'N', 'G'}, "logo@x",
                            true, false),
                    new InboundAttachment("report.pdf", "application/pdf", 5,
                            "%PDF-".getBytes(StandardCharsets.US_ASCII), null, false, false));
        }

        @Test
        void givenAlternativeWithEmptyPlainPart_whenParsed_thenTheHtmlIsUsed() throws Exception {
            InboundMail mail = parse("""
                    From: a@example.com
                    Content-Type: multipart/alternative; boundary=b

                    --b
                    Content-Type: text/plain

                    --b
                    Content-Type: text/html

                    <p>Only here</p>
                    --b--
                    """);

            assertThat(mail.text()).isEqualTo("Only here");
        }

        @Test
        void givenMixedWithSeveralInlineTextParts_whenParsed_thenTheyAreJoinedInOrder() throws Exception {
            InboundMail mail = parse("""
                    From: a@example.com
                    Content-Type: multipart/mixed; boundary=b

                    --b
                    Content-Type: text/plain

                    First part
                    --b
                    Content-Type: text/html

                    <h1>Second part</h1>
                    --b--
                    """);

            assertThat(mail.text()).isEqualTo("First part\n\nSecond part");
        }

        @Test
        void givenUnknownCharsetWithUtf8Bytes_whenParsed_thenUtf8IsUsed() throws Exception {
            InboundMail mail = parse("""
                    From: a@example.com
                    Content-Type: text/plain; charset=x-made-up

                    Grüße aus Köln
                    """);

            assertThat(mail.text()).isEqualTo("Grüße aus Köln");
        }

        @Test
        void givenUnknownCharsetWithLegacyBytes_whenParsed_thenWindows1252IsUsed() throws Exception {
            byte[] raw = bytes(Charset.forName("windows-1252"),
                    "From: a@example.com\nContent-Type: text/plain; charset=x-made-up\n\n\u201EGrüße\u201C \u20AC\n");

            assertThat(parser.parse(raw).text()).isEqualTo("\u201EGrüße\u201C \u20AC");
        }

        @Test
        void givenMisspelledAndAliasedCharsets_whenParsed_thenTheyAreMapped() throws Exception {
            byte[] korean = bytes(StandardCharsets.US_ASCII,
                    "From: a@example.com\nContent-Type: text/plain; charset=ks_c_5601-1987\n\n");
            byte[] koreanBody = "안녕하세요".getBytes(Charset.forName("x-windows-949"));

            InboundMail mail = parser.parse(concat(korean, koreanBody));

            assertThat(mail.text()).isEqualTo("안녕하세요");
        }

        @Test
        void givenBrokenBase64_whenParsed_thenEverythingDecodableIsKept() throws Exception {
            InboundMail mail = parse("""
                    From: a@example.com
                    Content-Type: text/plain; charset=utf-8
                    Content-Transfer-Encoding: base64

                    SGVsbG8g!!d29y
                    bGQ*
                    """);

            assertThat(mail.text()).isEqualTo("Hello world");
        }

        @Test
        void givenMissingEndBoundary_whenParsed_thenTheLastPartRunsToTheEnd() throws Exception {
            InboundMail mail = parse("""
                    From: a@example.com
                    Content-Type: multipart/mixed; boundary="b"

                    --b
                    Content-Type: text/plain

                    First
                    --b
                    Content-Type: text/plain

                    Second, cut off
                    """);

            assertThat(mail.text()).isEqualTo("First\n\nSecond, cut off");
        }

        @Test
        void givenMultipartWithoutAnyBoundaryLine_whenParsed_thenTheBodyIsShownAsText() throws Exception {
            InboundMail mail = parse("""
                    From: a@example.com
                    Content-Type: multipart/mixed; boundary="never-used"
                    Content-Transfer-Encoding: quoted-printable

                    =E4=F6=FC ad asd
                    """);

            assertThat(mail.text()).isEqualTo("äöü ad asd");
        }

        @Test
        void givenMultipartWithoutBoundaryParameter_whenParsed_thenTheBoundaryIsFoundInTheBody() throws Exception {
            InboundMail mail = parse("""
                    From: a@example.com
                    Content-Type: multipart/mixed

                    --guess
                    Content-Type: text/plain

                    Found it
                    --guess--
                    """);

            assertThat(mail.text()).isEqualTo("Found it");
        }

        @Test
        void givenFormatFlowed_whenParsed_thenSoftBreaksAreJoined() throws Exception {
            InboundMail mail = parse("From: a@example.com\nContent-Type: text/plain; format=flowed\n\n"
                    + "This is one \nparagraph.\n> quoted \n> line\n-- \nSig\n");

            assertThat(mail.text()).isEqualTo("This is one paragraph.\n> quoted line\n-- \nSig");
        }

        @Test
        void givenXUuencodeTransferEncoding_whenParsed_thenTheAttachmentIsDecoded() throws Exception {
            InboundMail mail = parse("""
                    From: a@example.com
                    Content-Type: multipart/mixed; boundary=b

                    --b
                    Content-Type: text/plain

                    See attachment.
                    --b
                    Content-Type: text/plain; name="hello.txt"
                    Content-Disposition: attachment; filename="hello.txt"
                    Content-Transfer-Encoding: x-uuencode

                    begin 644 hello.txt
                    ,2&5L;&\\@6F%M;6%D
                    `
                    end
                    --b--
                    """);

            assertThat(mail.text()).isEqualTo("See attachment.");
            assertThat(mail.attachments()).singleElement().satisfies(attachment -> {
                assertThat(attachment.filename()).isEqualTo("hello.txt");
                assertThat(new String(attachment.content(), StandardCharsets.US_ASCII)).isEqualTo("Hello Zammad");
            });
        }

        @Test
        void givenUuencodedFileInsidePlainText_whenParsed_thenItBecomesAnAttachment() throws Exception {
            InboundMail mail = parse("""
                    From: a@example.com

                    Here it is:

                    begin 644 hello.txt
                    ,2&5L;&\\@6F%M;6%D
                    `
                    end

                    Bye
                    """);

            assertThat(mail.text()).isEqualTo("Here it is:\n\nBye");
            assertThat(mail.attachments()).singleElement().satisfies(attachment -> {
                assertThat(attachment.filename()).isEqualTo("hello.txt");
                assertThat(attachment.content()).isEqualTo("Hello Zammad".getBytes(StandardCharsets.US_ASCII));
            });
        }

        @Test
        void givenDeeplyNestedMultiparts_whenParsed_thenNoStackOverflowAndNoException() throws Exception {
            StringBuilder raw = new StringBuilder("From: a@example.com\n");
            int depth = 2000;
            for (int i = 0; i < depth; i++) {
                raw.append("Content-Type: multipart/mixed; boundary=b").append(i)
                        .append("\n\n--b").append(i).append('\n');
            }
            raw.append("Content-Type: text/plain\n\ndeep\n");

            InboundMail mail = parse(raw.toString());

            assertThat(mail.text()).isEmpty();
            assertThat(mail.attachments()).singleElement()
                    .satisfies(attachment -> assertThat(attachment.contentType()).isEqualTo("multipart/mixed"));
        }
    }

    @Nested
    class Attachments {

        @Test
        void givenRfc2231FilenameWithContinuationsAndCharset_whenParsed_thenItIsJoinedAndDecoded() throws Exception {
            InboundMail mail = parse("""
                    From: a@example.com
                    Content-Type: multipart/mixed; boundary=b

                    --b
                    Content-Type: application/octet-stream
                    Content-Disposition: attachment;
                     filename*0*=utf-8'de'Gr%C3%BC%C3%9Fe%20aus;
                     filename*1=" Berlin";
                     filename*2*=%E2%82%AC.txt

                    x
                    --b--
                    """);

            assertThat(mail.attachments()).singleElement()
                    .satisfies(attachment -> assertThat(attachment.filename()).isEqualTo("Grüße aus Berlin€.txt"));
        }

        @Test
        void givenRfc2047EncodedName_whenParsed_thenTheFilenameIsDecoded() throws Exception {
            InboundMail mail = parse("""
                    From: a@example.com
                    Content-Type: multipart/mixed; boundary=b

                    --b
                    Content-Type: application/pdf; name="=?UTF-8?Q?Rechnung_M=C3=A4rz.pdf?="

                    x
                    --b--
                    """);

            assertThat(mail.attachments()).singleElement().satisfies(attachment -> {
                assertThat(attachment.filename()).isEqualTo("Rechnung März.pdf");
                assertThat(attachment.inline()).isFalse();
            });
        }

        @Test
        void givenFilenameWithPath_whenParsed_thenOnlyTheLastElementIsKept() throws Exception {
            InboundMail mail = parse("""
                    From: a@example.com
                    Content-Type: multipart/mixed; boundary=b

                    --b
                    Content-Type: application/octet-stream
                    Content-Disposition: attachment; filename="C:\\Users\\jane\\..\\secret.txt"

                    x
                    --b--
                    """);

            assertThat(mail.attachments()).singleElement()
                    .satisfies(attachment -> assertThat(attachment.filename()).isEqualTo("secret.txt"));
        }

        @Test
        void givenAttachedMessage_whenParsed_thenItIsAnEmlAttachmentAndItsTextStaysOut() throws Exception {
            String attached = """
                    From: other@example.com
                    Subject: Original: question A/B

                    Inner text that must not show up
                    """;
            InboundMail mail = parse("""
                    From: a@example.com
                    Content-Type: multipart/mixed; boundary=b

                    --b
                    Content-Type: text/plain

                    Forwarding this.
                    --b
                    Content-Type: message/rfc822
                    Content-Disposition: attachment

                    %s
                    --b--
                    """.formatted(attached));

            assertThat(mail.text()).isEqualTo("Forwarding this.");
            assertThat(mail.attachments()).singleElement().satisfies(attachment -> {
                assertThat(attachment.filename()).isEqualTo("Original_ question A_B.eml");
                assertThat(attachment.contentType()).isEqualTo("message/rfc822");
                assertThat(new String(attachment.content(), StandardCharsets.UTF_8)).isEqualTo(attached);
            });
        }

        @Test
        void givenAttachmentOverTheLimit_whenParsed_thenItIsListedWithSizeButWithoutContent() throws Exception {
            InboundMailParser limited = new InboundMailParser(1_000_000, 10);
            String body = Base64.getEncoder().encodeToString("0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII));

            InboundMail mail = limited.parse("""
                    From: a@example.com
                    Content-Type: multipart/mixed; boundary=b

                    --b
                    Content-Type: text/plain

                    Big file attached.
                    --b
                    Content-Type: application/octet-stream; name=big.bin
                    Content-Transfer-Encoding: base64

                    %s
                    --b
                    Content-Type: application/octet-stream; name=small.bin

                    0123456789
                    --b--
                    """.formatted(body).getBytes(StandardCharsets.US_ASCII));

            assertThat(mail.attachments()).containsExactly(
                    new InboundAttachment("big.bin", "application/octet-stream", 16, new byte[0], null, false, true),
                    new InboundAttachment("small.bin", "application/octet-stream", 10,
                            "0123456789".getBytes(StandardCharsets.US_ASCII), null, false, false));
        }

        @Test
        void givenSinglePartPdfMail_whenParsed_thenTheTextIsEmptyAndThePdfIsAnAttachment() throws Exception {
            InboundMail mail = parse("""
                    From: a@example.com
                    Content-Type: application/pdf; name="order.pdf"
                    Content-Transfer-Encoding: base64

                    JVBERi0=
                    """);

            assertThat(mail.text()).isEmpty();
            assertThat(mail.reply()).isEmpty();
            assertThat(mail.attachments()).singleElement()
                    .satisfies(attachment -> assertThat(attachment.filename()).isEqualTo("order.pdf"));
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
