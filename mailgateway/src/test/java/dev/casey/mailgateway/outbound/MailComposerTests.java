package dev.casey.mailgateway.outbound;

import static dev.casey.mailgateway.outbound.MailFixtures.COMPOSER;
import static dev.casey.mailgateway.outbound.MailFixtures.CUSTOMER;
import static dev.casey.mailgateway.outbound.MailFixtures.DATE;
import static dev.casey.mailgateway.outbound.MailFixtures.FIRST;
import static dev.casey.mailgateway.outbound.MailFixtures.ID;
import static dev.casey.mailgateway.outbound.MailFixtures.IDENTITY;
import static dev.casey.mailgateway.outbound.MailFixtures.PARENT;
import static dev.casey.mailgateway.outbound.MailFixtures.mail;
import static dev.casey.mailgateway.outbound.MailFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import jakarta.mail.Header;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class MailComposerTests {

    private static final String MARKER = "##- Reply above this line to add to case K7QM-4XPD -##";

    // --- helpers -----------------------------------------------------------------------------------------------

    private static MimeMessage composeAndParse(OutgoingMail mail) {
        return parse(COMPOSER.compose(mail).raw());
    }

    private static String header(MimeMessage m, String name) throws Exception {
        String[] values = m.getHeader(name);
        assertThat(values).as("header %s", name).hasSize(1);
        return values[0];
    }

    private static void assertSevenBit(byte[] raw) {
        assertThat(new String(raw, StandardCharsets.ISO_8859_1)).as("7-bit").doesNotContainPattern("[^\\x00-\\x7F]");
    }

    /** The raw lines of the top-level header section. */
    private static List<String> headerLines(ComposedMail composed) {
        String raw = composed.rawString();
        return List.of(raw.substring(0, raw.indexOf("\r\n\r\n")).split("\r\n"));
    }

    private static List<String> headerNames(MimeMessage m) throws Exception {
        return Collections.list(m.getAllHeaders()).stream().map(Header::getName).toList();
    }

    private static String textPart(MimeMessage m) throws Exception {
        return part(m, 0);
    }

    private static String htmlPart(MimeMessage m) throws Exception {
        return part(m, 1);
    }

    private static String part(MimeMessage m, int index) throws Exception {
        MimeMultipart mp = (MimeMultipart) m.getContent();
        return ((String) mp.getBodyPart(index).getContent()).replace("\r\n", "\n");
    }

    // --- each kind ---------------------------------------------------------------------------------------------

    @Nested
    class EachKind {

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                CONFIRMATION_REQUEST | "Acme Support" <support@example.com>             | "Some User" <some.user@other.tld> | auto-generated
                CASE_RECEIVED        | "Acme Support" <support@example.com>             | "Some User" <some.user@other.tld> | auto-generated
                NEW_CASE             | "Some User via Acme Support" <support@example.com> | "Some User" <some.user@other.tld> | auto-generated
                MESSAGE              | "Ben Foo via Acme Support" <support@example.com>   | "Some User" <some.user@other.tld> |
                REMINDER             | "Acme Support" <support@example.com>             | "Ben Foo" <ben@domain.tld>        | auto-generated
                CASE_CLOSED          | "Acme Support" <support@example.com>             | "Some User" <some.user@other.tld> | auto-generated
                CLOSED_CASE_REFUSAL  | "Acme Support" <support@example.com>             | "Some User" <some.user@other.tld> | auto-replied
                """)
        void givenAMailOfEachKind_whenComposed_thenFromToSubjectAndAutoSubmittedAreExact(
                MailKind kind, String from, String to, String autoSubmitted) throws Exception {
            ComposedMail composed = COMPOSER.compose(mail(kind).build());
            MimeMessage m = parse(composed.raw());

            assertThat(header(m, "From")).isEqualTo(from);
            assertThat(header(m, "To")).isEqualTo(to);
            assertThat(header(m, "Subject")).isEqualTo("[Casey K7QM-4XPD] I found a bug");
            assertThat(composed.subject()).isEqualTo("[Casey K7QM-4XPD] I found a bug");
            assertThat(m.getHeader("Auto-Submitted")).isEqualTo(autoSubmitted == null ? null : new String[] {autoSubmitted});
            assertThat(header(m, "X-Auto-Response-Suppress")).isEqualTo("All");
            assertThat(header(m, "MIME-Version")).isEqualTo("1.0");
            assertThat(header(m, "Date")).isEqualTo("Mon, 23 Nov 2026 12:34:56 +0000");
            assertThat(header(m, "Message-ID")).isEqualTo("<" + ID + ">");
            assertThat(headerNames(m)).doesNotContain("Sender", "Cc", "Bcc", "Return-Path", "Reply-To");
            assertThat(composed.messageId()).isEqualTo(ID);
        }

        @Test
        void givenTheAcknowledgementOfACaseOpenedByMail_whenComposed_thenItIsAnAutomaticReplyToThatMail()
                throws Exception {
            MimeMessage m = composeAndParse(mail(MailKind.CASE_RECEIVED).caseOpenedByMail(true).build());

            assertThat(header(m, "Auto-Submitted")).isEqualTo("auto-replied");
        }

        @ParameterizedTest
        @EnumSource(value = MailKind.class, mode = EnumSource.Mode.EXCLUDE, names = "CASE_RECEIVED")
        void givenAnyOtherKind_whenItsCaseWasOpenedByMail_thenItsAutoSubmittedIsTheSame(MailKind kind)
                throws Exception {
            MimeMessage byMail = composeAndParse(mail(kind).caseOpenedByMail(true).build());
            MimeMessage otherwise = composeAndParse(mail(kind).build());

            assertThat(byMail.getHeader("Auto-Submitted")).isEqualTo(otherwise.getHeader("Auto-Submitted"));
        }

        @ParameterizedTest
        @EnumSource(MailKind.class)
        void givenAnyKind_whenComposed_thenItIsAMultipartAlternativeOfUtf8TextAndHtml(MailKind kind) throws Exception {
            MimeMessage m = composeAndParse(mail(kind).build());

            assertThat(m.getContentType()).isEqualTo("multipart/alternative; boundary=\"=_casey_8aa9c2d9355c27d1\"");
            MimeMultipart mp = (MimeMultipart) m.getContent();
            assertThat(mp.getCount()).isEqualTo(2);
            assertThat(mp.getBodyPart(0).getContentType()).isEqualTo("text/plain; charset=UTF-8");
            assertThat(mp.getBodyPart(1).getContentType()).isEqualTo("text/html; charset=UTF-8");
        }

        @ParameterizedTest
        @EnumSource(MailKind.class)
        void givenAnyKind_whenComposed_thenTheReplyMarkerIsTheFirstLineOfTheTextAndTheFirstParagraphOfTheHtml(
                MailKind kind) throws Exception {
            ComposedMail composed = COMPOSER.compose(mail(kind).build());
            MimeMessage m = parse(composed.raw());

            assertThat(textPart(m).lines().findFirst()).contains(MARKER);
            assertThat(composed.text()).startsWith(MARKER + "\n\n");
            Document html = Jsoup.parse(htmlPart(m));
            assertThat(html.body().child(0).tagName()).isEqualTo("p");
            assertThat(html.body().child(0).text()).isEqualTo(MARKER);
            assertThat(MailComposer.replyMarker("K7QM-4XPD")).isEqualTo(MARKER);
        }

        @ParameterizedTest
        @EnumSource(MailKind.class)
        void givenAnyKind_whenComposed_thenTextAndHtmlAndHeadersOfTheResultMatchTheRawBytes(MailKind kind)
                throws Exception {
            ComposedMail composed = COMPOSER.compose(mail(kind).build());
            MimeMessage m = parse(composed.raw());

            assertThat(textPart(m)).isEqualTo(composed.text());
            assertThat(htmlPart(m)).isEqualTo(composed.html());
            assertThat(composed.headers().keySet()).containsExactlyElementsOf(headerNames(m));
            assertSevenBit(composed.raw());
        }
    }

    // --- wording per recipient ----------------------------------------------------------------------------------

    @Test
    void givenTheIdleCloseMailToATeamMember_whenComposed_thenItIsWordedForTheTeamNotForACustomer() throws Exception {
        ComposedMail toTeam = COMPOSER.compose(mail(MailKind.CASE_CLOSED).teamRecipient("Ben Foo", "ben@domain.tld")
                .build());
        ComposedMail toCustomer = COMPOSER.compose(mail(MailKind.CASE_CLOSED).build());

        assertThat(toTeam.text()).contains("case K7QM-4XPD (\"I found a bug\") has been closed (no activity for 30 days)."
                + " Nothing more is needed from you.").doesNotContain("Thank you for contacting");
        assertThat(Jsoup.parse(toTeam.html()).text()).contains("Nothing more is needed from you.")
                .doesNotContain("Thank you for contacting");
        assertThat(toCustomer.text()).contains("has been closed (no activity for 30 days)."
                + " Thank you for contacting Acme Support.").doesNotContain("Nothing more is needed");
        assertThat(Jsoup.parse(toCustomer.html()).text()).contains("Thank you for contacting Acme Support.");
    }

    // --- attachments --------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = MailKind.class, names = {"MESSAGE", "CASE_RECEIVED", "NEW_CASE", "REMINDER"})
    void givenAMessageWithAttachments_whenComposed_thenTextAndHtmlListThemWithSizeAndWhichWereNotKept(MailKind kind)
            throws Exception {
        ComposedMail composed = COMPOSER.compose(mail(kind).attachments(List.of(
                new OutgoingMail.Attachment("fix.patch", 1234, false),
                new OutgoingMail.Attachment("server lög.txt", 14, false),
                new OutgoingMail.Attachment("huge\r\nname.iso", 31_457_280, true))).build());
        MimeMessage m = parse(composed.raw());

        assertThat(textPart(m)).contains("""

                Attached to this message:
                - fix.patch (1.2 KiB, not in this e-mail: kept with the case)
                - server lög.txt (14 bytes, not in this e-mail: kept with the case)
                - huge name.iso (30.0 MiB, not kept: over the size limit)
                """);
        assertThat(Jsoup.parse(htmlPart(m)).select("li").eachText()).containsExactly(
                "fix.patch (1.2 KiB, not in this e-mail: kept with the case)",
                "server lög.txt (14 bytes, not in this e-mail: kept with the case)",
                "huge name.iso (30.0 MiB, not kept: over the size limit)");
        assertThat(((MimeMultipart) m.getContent()).getCount()).isEqualTo(2);
    }

    @Test
    void givenAMessageWithoutAttachments_whenComposed_thenNoneAreMentioned() {
        ComposedMail composed = COMPOSER.compose(mail(MailKind.MESSAGE).build());

        assertThat(composed.text()).doesNotContain("Attached to this message");
        assertThat(composed.html()).doesNotContain("Attached to this message");
    }

    // --- exact output --------------------------------------------------------------------------------------------

    @Test
    void givenAMessageWithHistory_whenComposed_thenTheRawMailIsExactlyThis() {
        ComposedMail composed = COMPOSER.compose(mail(MailKind.MESSAGE).build());

        assertThat(composed.rawString()).isEqualTo("""
                Date: Mon, 23 Nov 2026 12:34:56 +0000
                From: "Ben Foo via Acme Support" <support@example.com>
                To: "Some User" <some.user@other.tld>
                Message-ID: <casey.aaaaaaaaaaaaaaaaaaaaaaaaaa@support.example.com>
                In-Reply-To: <casey.bbbbbbbbbbbbbbbbbbbbbbbbbb@support.example.com>
                References: <casey.cccccccccccccccccccccccccc@support.example.com>
                 <casey.bbbbbbbbbbbbbbbbbbbbbbbbbb@support.example.com>
                Subject: [Casey K7QM-4XPD] I found a bug
                MIME-Version: 1.0
                Content-Type: multipart/alternative; boundary="=_casey_8aa9c2d9355c27d1"
                X-Auto-Response-Suppress: All

                --=_casey_8aa9c2d9355c27d1
                Content-Type: text/plain; charset=UTF-8
                Content-Transfer-Encoding: 7bit

                ##- Reply above this line to add to case K7QM-4XPD -##

                Hello Some User,

                can you tell us more?

                On 2026-11-22 08:00 UTC, Some User wrote:
                > There is a bug over there!
                >
                > See it?

                --=_casey_8aa9c2d9355c27d1
                Content-Type: text/html; charset=UTF-8
                Content-Transfer-Encoding: 7bit

                <!DOCTYPE html>
                <html>
                <head>
                <meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
                </head>
                <body>
                <p style="color:#888888;font-size:12px">##- Reply above this line to add to case K7QM-4XPD -##</p>
                <p>Hello Some User,<br>
                <br>
                can you tell us more?</p>
                <p>On 2026-11-22 08:00 UTC, Some User wrote:</p>
                <blockquote style="margin:0 0 0 0.8ex;border-left:1px solid #cccccc;padding-left:1ex">There is a bug over there!<br>
                <br>
                See it?</blockquote>
                </body>
                </html>

                --=_casey_8aa9c2d9355c27d1--
                """.replace("\n", "\r\n"));
    }

    @Test
    void givenAMessage_whenComposed_thenTheDecodedHeadersAreExactlyTheseInThisOrder() {
        ComposedMail composed = COMPOSER.compose(mail(MailKind.MESSAGE).replyTo("support+k7qm4xpd@example.com").build());

        assertThat(composed.headers()).containsExactly(
                entry("Date", "Mon, 23 Nov 2026 12:34:56 +0000"),
                entry("From", "\"Ben Foo via Acme Support\" <support@example.com>"),
                entry("Reply-To", "support+k7qm4xpd@example.com"),
                entry("To", "\"Some User\" <some.user@other.tld>"),
                entry("Message-ID", "<" + ID + ">"),
                entry("In-Reply-To", "<" + PARENT + ">"),
                entry("References", "<" + FIRST + "> <" + PARENT + ">"),
                entry("Subject", "[Casey K7QM-4XPD] I found a bug"),
                entry("MIME-Version", "1.0"),
                entry("Content-Type", "multipart/alternative; boundary=\"=_casey_8aa9c2d9355c27d1\""),
                entry("X-Auto-Response-Suppress", "All"));
    }

    @Test
    void givenAConfirmationRequestWithoutUrl_whenComposed_thenTheCodeIsShownWithoutLink() throws Exception {
        ComposedMail composed = COMPOSER.compose(mail(MailKind.CONFIRMATION_REQUEST).confirmUrl(null).build());

        assertThat(composed.text()).isEqualTo("""
                ##- Reply above this line to add to case K7QM-4XPD -##

                Hello Some User,

                thank you for contacting Acme Support. Please confirm your request "I found a bug" (case K7QM-4XPD) so that we can start working on it.

                Your confirmation code is: 314159

                Please enter it where you submitted your request.

                If you did not ask us for anything, just ignore this message.
                """);
        assertThat(Jsoup.parse(composed.html()).select("a")).isEmpty();
        assertThat(Jsoup.parse(composed.html()).select("strong").text()).isEqualTo("314159");
    }

    @Test
    void givenAConfirmationRequestWithUrl_whenComposed_thenTheLinkIsInBothParts() {
        ComposedMail composed = COMPOSER.compose(mail(MailKind.CONFIRMATION_REQUEST).build());

        assertThat(composed.text()).contains("\n\nhttps://support.example.com/confirm/314159\n\n");
        assertThat(Jsoup.parse(composed.html()).select("a").attr("href"))
                .isEqualTo("https://support.example.com/confirm/314159");
    }

    @Test
    void givenACaseClosedWithReason_whenComposed_thenTheReasonIsStated() {
        ComposedMail composed = COMPOSER.compose(mail(MailKind.CASE_CLOSED).build());

        assertThat(composed.text()).isEqualTo("""
                ##- Reply above this line to add to case K7QM-4XPD -##

                Hello Some User,

                case K7QM-4XPD ("I found a bug") has been closed (no activity for 30 days). Thank you for contacting Acme Support.
                """);
    }

    @Test
    void givenANewCaseWithoutAuthorName_whenComposed_thenItIsFromTheSupportNameAndSaysACustomer() throws Exception {
        ComposedMail composed = COMPOSER.compose(mail(MailKind.NEW_CASE).authorName(null).build());

        assertThat(composed.headers()).containsEntry("From", "\"Acme Support\" <support@example.com>");
        assertThat(composed.text()).contains("\nA customer opened case K7QM-4XPD: \"I found a bug\"\n");
    }

    @Test
    void givenASystemKindWithAnAuthorName_whenComposed_thenItIsStillFromTheSupportName() {
        ComposedMail composed = COMPOSER.compose(mail(MailKind.CASE_CLOSED).authorName("Ben Foo").build());

        assertThat(composed.headers()).containsEntry("From", "\"Acme Support\" <support@example.com>");
    }

    @Test
    void givenARecipientWithoutName_whenComposed_thenToIsTheBareAddressAndTheGreetingHasNoName() {
        ComposedMail composed = COMPOSER.compose(mail(MailKind.CASE_CLOSED).recipient(null, CUSTOMER).build());

        assertThat(composed.headers()).containsEntry("To", CUSTOMER);
        assertThat(composed.rawString()).contains("\r\nTo: some.user@other.tld\r\n");
        assertThat(composed.text()).contains("\nHello,\n");
    }

    // --- threading -----------------------------------------------------------------------------------------------

    @Nested
    class Threading {

        @Test
        void givenInReplyToAndReferences_whenComposed_thenTheyAreInAngleBracketsOldestFirst() throws Exception {
            MimeMessage m = composeAndParse(mail(MailKind.MESSAGE).build());

            assertThat(header(m, "In-Reply-To")).isEqualTo("<" + PARENT + ">");
            assertThat(header(m, "References")).isEqualTo("<" + FIRST + ">\r\n <" + PARENT + ">");
            assertThat(m.getMessageID()).isEqualTo("<" + ID + ">");
        }

        @Test
        void givenInReplyToWithoutReferences_whenComposed_thenReferencesRepeatsInReplyTo() throws Exception {
            MimeMessage m = composeAndParse(mail(MailKind.CLOSED_CASE_REFUSAL).build());

            assertThat(header(m, "In-Reply-To")).isEqualTo("<" + PARENT + ">");
            assertThat(header(m, "References")).isEqualTo("<" + PARENT + ">");
        }

        @Test
        void givenNoInReplyToNorReferences_whenComposed_thenThereAreNoSuchHeaders() throws Exception {
            MimeMessage m = composeAndParse(mail(MailKind.NEW_CASE).build());

            assertThat(m.getHeader("In-Reply-To")).isNull();
            assertThat(m.getHeader("References")).isNull();
        }

        @Test
        void givenManyReferences_whenComposed_thenTheHeaderIsFoldedAndUnfoldsToAllOfThemInOrder() {
            List<String> refs = IntStream.range(0, 30).mapToObj(i -> "casey.ref" + i + "@support.example.com").toList();
            ComposedMail composed = COMPOSER.compose(mail(MailKind.MESSAGE).references(refs).build());

            assertThat(composed.headers().get("References"))
                    .isEqualTo(String.join(" ", refs.stream().map(r -> "<" + r + ">").toList()));
            assertThat(headerLines(composed)).allMatch(line -> line.length() <= 78);
        }

        @Test
        void givenDuplicateReferences_whenComposed_thenEachIsListedOnce() {
            ComposedMail composed = COMPOSER.compose(
                    mail(MailKind.MESSAGE).references(List.of(FIRST, PARENT, FIRST)).build());

            assertThat(composed.headers()).containsEntry("References", "<" + FIRST + "> <" + PARENT + ">");
        }
    }

    // --- subject -------------------------------------------------------------------------------------------------

    @Nested
    class Subject {

        @ParameterizedTest
        @CsvSource(delimiter = '|', textBlock = """
                Re: I found a bug                                    | [Casey K7QM-4XPD] I found a bug
                RE: Re: re:I found a bug                             | [Casey K7QM-4XPD] I found a bug
                Fwd: AW: Antw: WG: SV: FW: VS: I found a bug         | [Casey K7QM-4XPD] I found a bug
                Re[3]: Re(2): I found a bug                          | [Casey K7QM-4XPD] I found a bug
                Re: [Casey K7QM-4XPD] Re: I found a bug              | [Casey K7QM-4XPD] I found a bug
                [Casey K7QM-4XPD] [Casey K7QM-4XPD] I found a bug    | [Casey K7QM-4XPD] I found a bug
                Regarding: I found a bug                             | [Casey K7QM-4XPD] Regarding: I found a bug
                The Re: in the middle stays                          | [Casey K7QM-4XPD] The Re: in the middle stays
                [OTHER-TAG] I found a bug                            | [Casey K7QM-4XPD] [OTHER-TAG] I found a bug
                Re:                                                  | [Casey K7QM-4XPD] (no subject)
                """)
        void givenReplyPrefixesOrOurTag_whenComposed_thenTheyDoNotPileUp(String caseSubject, String expected) {
            ComposedMail composed = COMPOSER.compose(mail(MailKind.MESSAGE).caseSubject(caseSubject).build());

            assertThat(composed.subject()).isEqualTo(expected);
            assertThat(composed.headers()).containsEntry("Subject", expected);
        }

        @Test
        void givenNoSubject_whenComposed_thenTheSubjectSaysSo() {
            assertThat(COMPOSER.compose(mail(MailKind.MESSAGE).caseSubject(null).build()).subject())
                    .isEqualTo("[Casey K7QM-4XPD] (no subject)");
            assertThat(COMPOSER.compose(mail(MailKind.MESSAGE).caseSubject(" \t ").build()).subject())
                    .isEqualTo("[Casey K7QM-4XPD] (no subject)");
        }

        @Test
        void givenACustomFormatAndPrefix_whenComposed_thenAllThreePlaceholdersAreReplacedOnce() {
            MailComposer composer = new MailComposer(new MailIdentity(
                    "support@example.com", "Acme Support", "%subject% (%prefix%#%reference%, %prefix%)", "ACME"));

            ComposedMail composed = composer.compose(mail(MailKind.MESSAGE).caseSubject("Costs %prefix% 100%").build());

            assertThat(composed.subject()).isEqualTo("Costs %prefix% 100% (ACME#K7QM-4XPD, ACME)");
        }

        @Test
        void givenDefaultsInTheIdentity_whenCreated_thenTheDocumentedDefaultsApply() {
            MailIdentity identity = new MailIdentity("support@example.com", null, " ", null);

            assertThat(identity.supportName()).isEqualTo("Support");
            assertThat(identity.subjectFormat()).isEqualTo("[%prefix% %reference%] %subject%");
            assertThat(identity.subjectPrefix()).isEqualTo("Casey");
        }

        @Test
        void givenALongSubject_whenComposed_thenItIsFoldedAndUnfoldsToTheSameText() throws Exception {
            String long_ = "This is a rather long subject line that goes on and on because the customer had a lot to say";
            ComposedMail composed = COMPOSER.compose(mail(MailKind.MESSAGE).caseSubject(long_).build());
            MimeMessage m = parse(composed.raw());

            assertThat(header(m, "Subject")).contains("\r\n ");
            assertThat(m.getSubject()).isEqualTo("[Casey K7QM-4XPD] " + long_);
            assertThat(headerLines(composed)).allMatch(line -> line.length() <= 78);
        }

        @Test
        void givenAnAbsurdlyLongSubject_whenComposed_thenItIsCutWithAnEllipsis() {
            ComposedMail composed = COMPOSER.compose(mail(MailKind.MESSAGE).caseSubject("word ".repeat(100)).build());

            assertThat(composed.subject()).isEqualTo("[Casey K7QM-4XPD] " + "word ".repeat(39) + "word\u2026");
        }

        @ParameterizedTest
        @ValueSource(strings = {"Cannot log in as admin@mycompany.com", "Meeting @ 5pm", "user@ is invalid",
                "Grüße an jürgen@köln.de"})
        void givenAnAddressOrAtSignInTheSubject_whenComposed_thenTheSubjectAndTheTextShowItAsWritten(String subject)
                throws Exception {
            ComposedMail composed = COMPOSER.compose(mail(MailKind.CASE_RECEIVED).caseSubject(subject).build());
            MimeMessage m = parse(composed.raw());

            assertThat(m.getSubject()).isEqualTo("[Casey K7QM-4XPD] " + subject);
            assertThat(composed.headers()).containsEntry("Subject", "[Casey K7QM-4XPD] " + subject);
            assertThat(textPart(m)).contains("opened case K7QM-4XPD: \"" + subject + "\".");
            assertThat(Jsoup.parse(htmlPart(m)).text()).contains("\"" + subject + "\"");
            assertThat(m.getAllRecipients()).hasSize(1);
        }

        @Test
        void givenASubjectThatLooksLikeAnEncodedWord_whenComposed_thenReadersDoNotDecodeIt() throws Exception {
            ComposedMail composed = COMPOSER.compose(
                    mail(MailKind.MESSAGE).caseSubject("=?UTF-8?Q?ceo=40bank.com?=").build());

            assertThat(parse(composed.raw()).getSubject()).isEqualTo("[Casey K7QM-4XPD] = ?UTF-8?Q?ceo=40bank.com?=");
        }
    }

    // --- injection and sanitising --------------------------------------------------------------------------------

    @Nested
    class Injection {

        private static final String EVIL = "Evil\r\nBcc: victim@x.org";

        @Test
        void givenCrLfInSubjectAuthorAndRecipientName_whenComposed_thenNoHeaderIsAdded() throws Exception {
            ComposedMail composed = COMPOSER.compose(mail(MailKind.MESSAGE)
                    .caseSubject(EVIL).authorName(EVIL).recipient(EVIL, CUSTOMER).build());
            MimeMessage m = parse(composed.raw());

            assertThat(headerNames(m)).containsExactly("Date", "From", "To", "Message-ID", "In-Reply-To", "References",
                    "Subject", "MIME-Version", "Content-Type", "X-Auto-Response-Suppress");
            assertThat(m.getSubject()).isEqualTo("[Casey K7QM-4XPD] Evil Bcc: victim@x.org");
            assertThat(((InternetAddress) m.getFrom()[0]).getPersonal())
                    .isEqualTo("Evil Bcc: victim via Acme Support");
            assertThat(((InternetAddress) m.getFrom()[0]).getAddress()).isEqualTo("support@example.com");
            assertThat(m.getAllRecipients()).hasSize(1);
            assertThat(((InternetAddress) m.getAllRecipients()[0]).getPersonal()).isEqualTo("Evil Bcc: victim@x.org");
            assertThat(((InternetAddress) m.getAllRecipients()[0]).getAddress()).isEqualTo(CUSTOMER);
        }

        @Test
        void givenCrLfInTheSupportName_whenConfigured_thenItBecomesOneLine() throws Exception {
            MailComposer composer = new MailComposer(MailIdentity.of("support@example.com", "Acme\r\nBcc: x@y.org"));

            MimeMessage m = parse(composer.compose(mail(MailKind.REMINDER).build()).raw());

            assertThat(header(m, "From")).isEqualTo("\"Acme Bcc: x@y.org\" <support@example.com>");
            assertThat(m.getHeader("Bcc")).isNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"Ann\tLee", "Ann\nLee", "Ann\rLee", "Ann\r\n Lee", "Ann\u0000Lee", "Ann\u0085Lee",
                "Ann\u2028Lee", "Ann \t\r\n  Lee", "  Ann Lee\r\n", "Ann\u00A0Lee", "Ann\u001BLee"})
        void givenControlCharactersInAName_whenComposed_thenTheyBecomeOneSpace(String name) throws Exception {
            MimeMessage m = composeAndParse(mail(MailKind.MESSAGE).authorName(name).build());

            assertThat(((InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo("Ann Lee via Acme Support");
            assertThat(header(m, "From")).isEqualTo("\"Ann Lee via Acme Support\" <support@example.com>");
        }

        @ParameterizedTest
        @ValueSource(strings = {"Name with mail me@home.tld", "ceo@bank.com", "Ann <ann@private.tld>",
                "Jürgen <juergen@köln.de>", "\"x@y.org\" <x@y.org>"})
        void givenAnAddressInTheAuthorName_whenComposed_thenTheSenderShownKeepsNoAddressAndIsNeverTheSender(
                String name) throws Exception {
            ComposedMail composed = COMPOSER.compose(mail(MailKind.MESSAGE).authorName(name).build());
            MimeMessage m = parse(composed.raw());

            assertThat(m.getFrom()).hasSize(1);
            assertThat(((InternetAddress) m.getFrom()[0]).getAddress()).isEqualTo("support@example.com");
            assertThat(((InternetAddress) m.getFrom()[0]).getPersonal()).endsWith(" via Acme Support")
                    .startsWith(name.substring(0, Math.max(1, name.indexOf('@') - 1))).doesNotContain("@");
            assertThat(InternetAddress.parseHeader(header(m, "From"), true)).hasSize(1);
        }

        @Test
        void givenBidiOverridesInAName_whenComposed_thenTheyAreDropped() throws Exception {
            MimeMessage m = composeAndParse(mail(MailKind.MESSAGE).authorName("Ann\u202E troppuS\u202C").build());

            assertThat(((InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo("Ann troppuS via Acme Support");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
                Doe, Jim                | "Doe, Jim via Acme Support" <support@example.com>
                Jim "the fixer" Doe     | "Jim \\"the fixer\\" Doe via Acme Support" <support@example.com>
                Jim <Doe>; (x)          | "Jim <Doe>; (x) via Acme Support" <support@example.com>
                back\\slash             | "back\\\\slash via Acme Support" <support@example.com>
                J. R. R.                | "J. R. R. via Acme Support" <support@example.com>
                """)
        void givenSpecialsInAName_whenComposed_thenTheNameIsQuotedAndRoundTrips(String name, String expectedHeader)
                throws Exception {
            MimeMessage m = composeAndParse(mail(MailKind.MESSAGE).authorName(name).build());

            assertThat(header(m, "From")).isEqualTo(expectedHeader);
            assertThat(((InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo(name + " via Acme Support");
            assertThat(m.getFrom()).hasSize(1);
        }

        @Test
        void givenHtmlInTheTexts_whenComposed_thenTheHtmlPartEscapesEverythingAndTheTextPartKeepsIt() throws Exception {
            String script = "<script>alert(\"x\")</script> & 'q'";
            ComposedMail composed = COMPOSER.compose(mail(MailKind.NEW_CASE)
                    .authorName("<b>Bold</b>").caseSubject("<i>it</i>").body(script + "\nline 2").build());
            MimeMessage m = parse(composed.raw());

            String html = htmlPart(m);
            assertThat(html).doesNotContain("<script", "<b>", "<i>")
                    .contains("<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;<br>\nline 2</p>")
                    .contains("<p>&lt;b&gt;Bold&lt;/b&gt; opened case K7QM-4XPD: &quot;&lt;i&gt;it&lt;/i&gt;&quot;</p>");
            assertThat(Jsoup.parse(html).select("script, b, i")).isEmpty();
            assertThat(textPart(m)).contains("\n" + script + "\nline 2\n")
                    .contains("\n<b>Bold</b> opened case K7QM-4XPD: \"<i>it</i>\"\n");
        }

        @Test
        void givenABodyWithCrLfAndControlCharacters_whenComposed_thenLinesAreNormalised() throws Exception {
            ComposedMail composed = COMPOSER.compose(mail(MailKind.MESSAGE).history(List.of())
                    .body("\n\nfirst\r\nsecond\rthird\u0007\n\n\n  indented\t tab   \n\n").build());

            assertThat(composed.text()).isEqualTo(MARKER + "\n\nfirst\nsecond\nthird\n\n\n  indented\t tab\n");
            assertThat(textPart(parse(composed.raw()))).isEqualTo(composed.text());
        }
    }

    @Test
    void givenLinesStartingWithFrom_whenComposed_thenNoLineOfTheMailStartsSoAndTheTextIsUnchanged() throws Exception {
        String body = "From the start\n.\n..\nFrom me, with \u00FCmlauts\nFrom";
        ComposedMail composed = COMPOSER.compose(mail(MailKind.MESSAGE).history(List.of()).body(body).build());
        MimeMessage m = parse(composed.raw());

        // an mbox file would take such a line for the next mail and keep it as ">From "
        assertThat(composed.rawString()).doesNotContain("\r\nFrom ");
        MimeMultipart mp = (MimeMultipart) m.getContent();
        assertThat(mp.getBodyPart(0).getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
        assertThat(textPart(m)).isEqualTo(MARKER + "\n\n" + body + "\n");
        assertThat(Jsoup.parse(htmlPart(m)).text()).contains("From the start . .. From me, with \u00FCmlauts From");
    }

    @Test
    void givenABodyWithAVeryLongLine_whenComposed_thenItIsQuotedPrintableAndNoLineIsTooLong() throws Exception {
        String line = "0123456789 ".repeat(200);
        ComposedMail composed = COMPOSER.compose(mail(MailKind.MESSAGE).history(List.of()).body(line).build());
        MimeMessage m = parse(composed.raw());

        MimeMultipart mp = (MimeMultipart) m.getContent();
        assertThat(mp.getBodyPart(0).getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
        assertThat(composed.rawString().split("\r\n")).allMatch(l -> l.length() <= 998);
        assertThat(textPart(m)).isEqualTo(MARKER + "\n\n" + line.strip() + "\n");
    }

    // --- non-ASCII -----------------------------------------------------------------------------------------------

    @Nested
    class NonAscii {

        @ParameterizedTest
        @ValueSource(strings = {"Jürgen Groß", "Zoë Müller-Lüdenscheidt, Dr.", "张伟", "Ann 😀 Lee", "Ωμέγα \"Ω\""})
        void givenANonAsciiName_whenComposed_thenItIsEncodedAndRoundTrips(String name) throws Exception {
            ComposedMail composed = COMPOSER.compose(
                    mail(MailKind.MESSAGE).authorName(name).recipient(name, CUSTOMER).build());
            MimeMessage m = parse(composed.raw());

            assertThat(header(m, "From")).startsWith("=?UTF-8?");
            assertThat(((InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo(name + " via Acme Support");
            assertThat(((InternetAddress) m.getFrom()[0]).getAddress()).isEqualTo("support@example.com");
            assertThat(((InternetAddress) m.getAllRecipients()[0]).getPersonal()).isEqualTo(name);
            assertThat(composed.headers()).containsEntry("To",
                    "\"" + name.replace("\"", "\\\"") + "\" <some.user@other.tld>");
            assertSevenBit(composed.raw());
        }

        @ParameterizedTest
        @ValueSource(strings = {"Grüße aus Köln: Drucker druckt nicht", "打印机无法打印", "Printer 🖨️ on fire 🔥",
                "Sehr langer Betreff mit Umlauten äöü und noch mehr Text, damit er gefaltet werden muss 😀 ok"})
        void givenANonAsciiSubjectAndBody_whenComposed_thenTheyRoundTrip(String text) throws Exception {
            ComposedMail composed = COMPOSER.compose(mail(MailKind.NEW_CASE).caseSubject(text).body(text).build());
            MimeMessage m = parse(composed.raw());

            assertThat(m.getSubject()).isEqualTo("[Casey K7QM-4XPD] " + text);
            assertThat(composed.headers()).containsEntry("Subject", "[Casey K7QM-4XPD] " + text);
            assertThat(textPart(m)).contains("\n" + text + "\n");
            assertThat(Jsoup.parse(htmlPart(m)).text()).contains(text);
            assertThat(headerLines(composed)).allMatch(line -> line.length() <= 78);
            assertSevenBit(composed.raw());
        }
    }

    @Nested
    class Graphemes {

        private static final String FAMILY = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67\u200D\uD83D\uDC66";
        private static final String FLAGS = "\uD83C\uDDE9\uD83C\uDDEA\uD83C\uDDEF\uD83C\uDDF5";
        private static final Pattern ENCODED_WORD = Pattern.compile("=\\?UTF-8\\?([BQ])\\?([^?]*)\\?=");

        @Test
        void givenATextLongerThanKeptEndingInAFamilyOrAFlag_whenComposed_thenItIsCutBeforeThemNotInside() {
            ComposedMail composed = COMPOSER.compose(mail(MailKind.MESSAGE)
                    .caseSubject("y".repeat(196) + FAMILY + " tail")
                    .authorName("x".repeat(98) + FLAGS).recipient("z".repeat(98) + "e\u0301e\u0301", CUSTOMER).build());

            assertThat(composed.subject()).isEqualTo("[Casey K7QM-4XPD] " + "y".repeat(196) + "\u2026");
            assertThat(composed.headers().get("From")).isEqualTo(
                    "\"" + "x".repeat(98) + "\u2026 via Acme Support\" <support@example.com>");
            assertThat(composed.headers().get("To")).isEqualTo(
                    "\"" + "z".repeat(98) + "\u2026\" <some.user@other.tld>");
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67\u200D\uD83D\uDC66 Fam\u00EDlia "
                        + "\uD83C\uDDE9\uD83C\uDDEA\uD83C\uDDEF\uD83C\uDDF5\uD83C\uDDFA\uD83C\uDDE6 \uD83D\uDC4D\uD83C\uDFFD",
                "\u6F22\u6F22\u6F22\u6F22\u6F22\u6F22\u6F22\u6F22\u6F22\u6F22\u6F22\u6F22\u6F22\u6F22\u6F22\u6F22\u6F22",
                "Caf\u0065\u0301 re\u0301sume\u0301 Z\u0337\u0322\u0348a\u0338l\u0335g\u0334o\u0336 and more text",
                "Attachments \uD83C\uDDE9\uD83C\uDDEA\uD83C\uDDEF\uD83C\uDDF5\uD83C\uDDFA\uD83C\uDDE6",
                "\u6F22\u5B57\u6F22\u5B57\u6F22\u5B57\u6F22\u5B57\u6F22\u5B57\u6F22\u5B57\u6F22\u5B57\u6F22\u5B57"
                        + "\u6F22\u5B57\u6F22\u5B57\u6F22\u5B57\u6F22\u5B57\u6F22\u5B57\u6F22\u5B57\u6F22\u5B57"})
        void givenEmojiFlagsAndCombiningMarks_whenComposed_thenNoEncodedWordEndsInsideACharacterAndLinesFit(String text)
                throws Exception {
            String long_ = (text + " ").repeat(4).strip();
            ComposedMail composed = COMPOSER.compose(mail(MailKind.MESSAGE).caseSubject(long_).authorName(text)
                    .recipient(text, CUSTOMER).build());
            MimeMessage m = parse(composed.raw());

            assertThat(m.getSubject()).isEqualTo("[Casey K7QM-4XPD] " + long_);
            assertThat(((InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo(text + " via Acme Support");
            assertThat(((InternetAddress) m.getAllRecipients()[0]).getPersonal()).isEqualTo(text);
            assertThat(headerLines(composed)).allMatch(line -> line.length() <= 78);
            for (String name : List.of("Subject", "From", "To")) {
                List<String> words = new ArrayList<>();
                Matcher word = ENCODED_WORD.matcher(header(m, name));
                while (word.find()) {
                    assertThat(word.group().length()).isLessThanOrEqualTo(75);
                    byte[] bytes = word.group(1).equals("B") ? Base64.getDecoder().decode(word.group(2))
                            : QDecoder.decode(word.group(2));
                    words.add(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString());
                }
                assertThat(words).as(name).isNotEmpty();
                int end = 0;
                for (String decoded : words.subList(0, words.size() - 1)) {
                    end += decoded.length();
                    String whole = String.join("", words);
                    assertThat(graphemeBoundaries(whole).contains(end)).as("%s: a word ends inside a character at %d",
                            name, end).isTrue();
                }
            }
        }

        @Test
        void givenASubjectOfChineseCharactersOnly_whenComposed_thenTheFirstLineLeavesRoomForTheFieldName() {
            ComposedMail composed = COMPOSER.compose(mail(MailKind.MESSAGE).caseSubject("\u6F22".repeat(300)).build());

            assertThat(headerLines(composed)).allMatch(line -> line.length() <= 78);
            assertThat(composed.subject()).isEqualTo("[Casey K7QM-4XPD] " + "\u6F22".repeat(199) + "\u2026");
        }

        private static java.util.Set<Integer> graphemeBoundaries(String text) {
            java.util.Set<Integer> ends = new java.util.HashSet<>();
            Matcher cluster = Pattern.compile("\\X").matcher(text);
            while (cluster.find()) {
                ends.add(cluster.end());
            }
            return ends;
        }

        /** The Q encoding of RFC 2047, 4.2. */
        private static final class QDecoder {
            static byte[] decode(String text) {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    if (c == '=') {
                        out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                        i += 2;
                    } else {
                        out.write(c == '_' ? ' ' : c);
                    }
                }
                return out.toByteArray();
            }
        }
    }

    // --- determinism ---------------------------------------------------------------------------------------------

    @Nested
    class Determinism {

        @ParameterizedTest
        @EnumSource(MailKind.class)
        void givenTheSameMail_whenComposedTwice_thenTheBytesAreIdentical(MailKind kind) {
            OutgoingMail mail = mail(kind).build();

            assertThat(COMPOSER.compose(mail).raw()).isEqualTo(COMPOSER.compose(mail).raw());
            assertThat(new MailComposer(IDENTITY).compose(mail)).isEqualTo(COMPOSER.compose(mail));
        }

        @Test
        void givenAnotherDefaultTimeZoneAndLocale_whenComposed_thenTheBytesAreIdentical() {
            OutgoingMail mail = mail(MailKind.MESSAGE).authorName("Jürgen").build();
            byte[] before = COMPOSER.compose(mail).raw();
            TimeZone zone = TimeZone.getDefault();
            Locale locale = Locale.getDefault();
            try {
                TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
                Locale.setDefault(Locale.forLanguageTag("tr-TR"));
                assertThat(COMPOSER.compose(mail).raw()).isEqualTo(before);
            } finally {
                TimeZone.setDefault(zone);
                Locale.setDefault(locale);
            }
        }

        @Test
        void givenAnInstantWithFractionOfASecond_whenComposed_thenTheDateIsInUtcWholeSeconds() throws Exception {
            MimeMessage m = composeAndParse(mail(MailKind.MESSAGE).build());

            assertThat(m.getSentDate().toInstant()).isEqualTo(Instant.parse("2026-11-23T12:34:56Z"));
            assertThat(DATE.getNano()).isNotZero();
        }

        @Test
        void givenAnotherMessageId_whenComposed_thenTheBoundaryDiffers() {
            ComposedMail other = COMPOSER.compose(mail(MailKind.MESSAGE)
                    .messageId("casey.zzzzzzzzzzzzzzzzzzzzzzzzzz@support.example.com").build());

            assertThat(other.headers().get("Content-Type")).isNotEqualTo(
                    COMPOSER.compose(mail(MailKind.MESSAGE).build()).headers().get("Content-Type"));
        }

        @Test
        void givenABodyContainingTheBoundary_whenComposed_thenAnotherBoundaryIsUsed() throws Exception {
            ComposedMail composed = COMPOSER.compose(mail(MailKind.MESSAGE).body("--=_casey_8aa9c2d9355c27d1").build());
            MimeMessage m = parse(composed.raw());

            assertThat(composed.headers().get("Content-Type"))
                    .isEqualTo("multipart/alternative; boundary=\"=_casey_8aa9c2d9355c27d1_1\"");
            assertThat(((MimeMultipart) m.getContent()).getCount()).isEqualTo(2);
            assertThat(textPart(m)).contains("\n--=_casey_8aa9c2d9355c27d1\n");
        }
    }

    // --- templates -----------------------------------------------------------------------------------------------

    @Nested
    class Templates {

        @Test
        void givenAnOverrideFile_whenComposed_thenItReplacesTheBuiltInOneAndOnlyThatOne(@TempDir Path dir)
                throws Exception {
            Files.writeString(dir.resolve("message.txt.mustache"),
                    "{{authorName}} says ({{reference}}, {{subject}}, {{supportName}}):\n{{body}}\n", StandardCharsets.UTF_8);
            MailComposer composer = new MailComposer(IDENTITY, dir);

            ComposedMail composed = composer.compose(mail(MailKind.MESSAGE).history(List.of()).build());

            assertThat(composed.text()).isEqualTo(MARKER + "\n\n"
                    + "Ben Foo says (K7QM-4XPD, I found a bug, Acme Support):\nHello Some User,\n\ncan you tell us more?\n");
            assertThat(composed.html()).isEqualTo(COMPOSER.compose(mail(MailKind.MESSAGE).history(List.of()).build()).html());
            assertThat(composer.compose(mail(MailKind.REMINDER).build()).text())
                    .isEqualTo(COMPOSER.compose(mail(MailKind.REMINDER).build()).text());
        }

        @Test
        void givenAnHtmlOverride_whenComposed_thenValuesAreEscapedAndLineBreaksBecomeBr(@TempDir Path dir)
                throws Exception {
            Files.writeString(dir.resolve("new-case.html.mustache"), "<div>{{authorName}}: {{body}}</div>");
            MailComposer composer = new MailComposer(IDENTITY, dir);

            ComposedMail composed = composer.compose(mail(MailKind.NEW_CASE).authorName("A&B").body("1 < 2\n3").build());

            assertThat(composed.html()).contains("\n<div>A&amp;B: 1 &lt; 2<br>\n3</div>\n");
        }

        @Test
        void givenAnOverrideAskingForAnAddress_whenTheComposerIsCreated_thenItIsRefused(@TempDir Path dir)
                throws Exception {
            Files.writeString(dir.resolve("reminder.txt.mustache"), "Write to {{recipientAddress}}");

            assertThatThrownBy(() -> new MailComposer(IDENTITY, dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("reminder")
                    .hasMessageContaining("recipientAddress");
        }

        @Test
        void givenAnOverrideThatDoesNotCompile_whenTheComposerIsCreated_thenItIsRefused(@TempDir Path dir)
                throws Exception {
            Files.writeString(dir.resolve("message.html.mustache"), "{{#body}}unclosed");

            assertThatThrownBy(() -> new MailComposer(IDENTITY, dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("message.html.mustache");
        }

        @Test
        void givenAnEmptyOrMissingOverrideDirectory_whenComposed_thenTheBuiltInTemplatesAreUsed(@TempDir Path dir) {
            OutgoingMail mail = mail(MailKind.MESSAGE).build();

            assertThat(new MailComposer(IDENTITY, dir).compose(mail)).isEqualTo(COMPOSER.compose(mail));
            assertThat(new MailComposer(IDENTITY, dir.resolve("missing")).compose(mail)).isEqualTo(COMPOSER.compose(mail));
        }
    }

    // --- refusals ------------------------------------------------------------------------------------------------

    @Nested
    class Refusals {

        @ParameterizedTest
        @ValueSource(strings = {"", "no-at-sign", "two@@x.org", "a@b@c.org", "with space@x.org", "<casey.x@x.org>",
                "casey.x@x.org>", "[x]@x.org", "x@[127.0.0.1]", "@x.org", "x@", "x@x.org\r\nBcc: y@z.org", "x\"@x.org",
                "x@x,y.org", "ü@x.org"})
        void givenAnInvalidMessageId_whenBuilt_thenItIsRefused(String id) {
            assertThatThrownBy(() -> mail(MailKind.MESSAGE).messageId(id).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("messageId");
            assertThatThrownBy(() -> mail(MailKind.MESSAGE).inReplyTo(id).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inReplyTo");
            assertThatThrownBy(() -> mail(MailKind.MESSAGE).references(List.of(FIRST, id)).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("references");
        }

        @ParameterizedTest
        @ValueSource(strings = {"evil@x.org", "support@other.tld", "ben@example.com", "supportx@example.com",
                "support@sub.example.com", "support+a@example.com.evil.org", "\"Support\" <support@example.com>",
                "support+a@example.com, evil@x.org", "not an address"})
        void givenAForeignReplyTo_whenComposed_thenItIsRefused(String replyTo) {
            OutgoingMail mail = mail(MailKind.MESSAGE).replyTo(replyTo).build();

            assertThatThrownBy(() -> COMPOSER.compose(mail))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replyTo");
        }

        @ParameterizedTest
        @CsvSource({"support@example.com", "support+K7QM4XPD@example.com", "Support+tok@EXAMPLE.com"})
        void givenASupportPlusAddressAsReplyTo_whenComposed_thenItIsTheReplyTo(String replyTo) throws Exception {
            MimeMessage m = composeAndParse(mail(MailKind.MESSAGE).replyTo(replyTo).build());

            assertThat(header(m, "Reply-To")).isEqualTo(replyTo);
            assertThat(header(m, "From")).isEqualTo("\"Ben Foo via Acme Support\" <support@example.com>");
        }

        @Test
        void givenMissingOrInvalidFields_whenBuilt_thenTheyAreRefused() {
            assertThatThrownBy(() -> mail(MailKind.CONFIRMATION_REQUEST).confirmCode(" ").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("confirmCode");
            assertThatThrownBy(() -> mail(MailKind.CONFIRMATION_REQUEST).confirmUrl("javascript:alert(1)").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("confirmUrl");
            assertThatThrownBy(() -> mail(MailKind.CONFIRMATION_REQUEST).confirmUrl("https://x.org/a b").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("confirmUrl");
            assertThatThrownBy(() -> mail(MailKind.MESSAGE).body(null).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("body");
            assertThatThrownBy(() -> mail(MailKind.MESSAGE).caseReference("K7QM\r\nBcc: x").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("caseReference");
            assertThatThrownBy(() -> mail(MailKind.MESSAGE).recipient("X", "x@y.org, z@w.org").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recipient address");
            assertThatThrownBy(() -> mail(MailKind.MESSAGE).recipient("X", "X <x@y.org>").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recipient address");
            assertThatThrownBy(() -> mail(MailKind.MESSAGE).date(null).build())
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("date");
            assertThatThrownBy(() -> MailIdentity.of("Support <support@example.com>", "Acme"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("support address");
        }
    }
}
