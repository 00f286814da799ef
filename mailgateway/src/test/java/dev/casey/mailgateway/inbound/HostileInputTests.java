package dev.casey.mailgateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casey.mailgateway.outbound.MailComposer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Subjects, headers and bounce texts anyone can send, on which the patterns reading them once backtracked for seconds to
 * minutes or overflowed the stack. Each is read in milliseconds now: the time limits only catch a pattern that
 * backtracks again (they run on a thread of their own, so that such a test fails at its limit, not minutes later).
 */
@Timeout(value = 5, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class HostileInputTests {

    private static final MailAddress DAEMON = new MailAddress("mailer-daemon@mx.example.com", "Mail Delivery System");
    private static final String BOUNCE_SUBJECT = "Undelivered Mail Returned to Sender";

    private static DeliveryReport bounce(String text) {
        return DeliveryReports.build(DAEMON, BOUNCE_SUBJECT, text, new DeliveryReports.Evidence());
    }

    @Test
    void givenAThousandReplyPrefixes_whenTakenOff_thenTheSubjectRemains() {
        assertThat(MailComposer.withoutReplyPrefixes("Re: ".repeat(1000) + "Printer on fire")).isEqualTo("Printer on fire");
        assertThat(InboundMailProcessor.newCaseSubject("Re: ".repeat(1000) + "Printer on fire"))
                .isEqualTo("Printer on fire");
    }

    @Test
    void givenASubjectTooLongForACaseEndingInAFlag_whenANewCaseSubjectIsMade_thenItIsCutBeforeTheFlagNotInside() {
        String flag = "\uD83C\uDDE9\uD83C\uDDEA";

        assertThat(InboundMailProcessor.newCaseSubject("y".repeat(497) + flag + " tail"))
                .isEqualTo("y".repeat(497) + "\u2026");
    }

    @Test
    void givenPrefixesAndTags_whenANewCaseSubjectIsMade_thenAllLeadingOnesAreTakenOff() {
        assertThat(InboundMailProcessor.newCaseSubject(" Re: AW[2]: [Casey ABCD-EFGH] Fwd:[casey wxyz-2345]  Hello "))
                .isEqualTo("Hello");
        assertThat(InboundMailProcessor.newCaseSubject("[Casey ABCD-EFGH]")).isEqualTo(MailComposer.NO_SUBJECT);
        // only tags naming a case, and only in front
        assertThat(InboundMailProcessor.newCaseSubject("Re: [urgent] Hello [Casey ABCD-EFGH]"))
                .isEqualTo("[urgent] Hello [Casey ABCD-EFGH]");
        assertThat(InboundMailProcessor.newCaseSubject("Re: [ABCD-EFGH [x] Hello")).isEqualTo("[ABCD-EFGH [x] Hello");
        assertThat(InboundMailProcessor.newCaseSubject("Reply: ABCD-EFGH")).isEqualTo("Reply: ABCD-EFGH");
    }

    @Test
    void givenATagLeftOpenOver160Kb_whenANewCaseSubjectIsMade_thenItIsCutNotBacktrackedOver() {
        // took 42 s
        String subject = InboundMailProcessor.newCaseSubject("[" + "AAAA-AAAA ".repeat(16_000));

        assertThat(subject).startsWith("[AAAA-AAAA AAAA-AAAA").hasSizeLessThanOrEqualTo(500);
    }

    @Test
    void givenThirtyTwoThousandTags_whenANewCaseSubjectIsMade_thenTheyAreTakenOffInOnePass() {
        // took 13 s, the subject scanned again after every tag
        // what is left of 8 KB (a case keeps 500 characters of a subject): the last tag, cut off, if anything
        assertThat(InboundMailProcessor.newCaseSubject("[AAAA-AAAA]".repeat(32_000) + " Hello"))
                .hasSizeLessThan("[AAAA-AAAA]".length());
        assertThat(InboundMailProcessor.newCaseSubject("[AAAA-AAAA] ".repeat(600) + " Hello")).isEqualTo("Hello");
    }

    @Test
    void givenAPostfixRecipientLineOf100KbOfAtSigns_whenTheBounceIsRead_thenItIsSkipped() {
        // took 78 s
        DeliveryReport report = bounce("<" + "a@".repeat(50_000) + "\n\n<gone@example.org>: 550 User unknown\n");

        assertThat(report.failedRecipients()).containsExactly("gone@example.org");
        assertThat(report.diagnostic()).isEqualTo("550 User unknown");
    }

    @Test
    void givenAnOverlongLineOfAtSignsInAnEximList_whenTheBounceIsRead_thenItIsNoRecipient() {
        DeliveryReport report = bounce("The following address(es) failed:\n\n  " + "@".repeat(20_000) + "<\n"
                + "  " + "a@".repeat(450) + "<\n    lost@example.org\n");

        assertThat(report.failedRecipients()).containsExactly("lost@example.org");
    }

    @Test
    void givenProseNamingAnAddressOfManyAtSigns_whenTheBounceIsRead_thenItEndsQuickly() {
        assertThat(bounce("Your message to " + "a@".repeat(50_000) + "< was not sent.").failedRecipients()).isEmpty();
        assertThat(bounce("Your message wasn't delivered to lost@example.org. Sorry.").failedRecipients())
                .containsExactly("lost@example.org");
    }

    @Test
    void givenTenThousandIndentedRecipientLines_whenTheBounceIsRead_thenTheLinesBelowAreNotReadOncePerRecipient() {
        DeliveryReport report = bounce(" <a@example.org>: 550 no such user\n".repeat(10_000));

        assertThat(report.failedRecipients()).containsExactly("a@example.org");
        assertThat(report.diagnostic()).startsWith("550 no such user <a@example.org>: 550 no such user");
        assertThat(report.diagnostic().length()).isLessThan(3000);
    }

    /** 100,000 characters of each took 15 to 30 s: a pattern tried again from every character of a run. */
    @ParameterizedTest
    @ValueSource(strings = {
        "From: <a%sb@example.org>", // \s*@ in an address
        "From: a%sb@example.org", // [<>\s]+$ around an address
        "References: %s", // \([^)]*\) in Message-IDs
        "References: a@%sx", // [>"']+$ around a Message-ID
        "Auto-Submitted: %s", // \(.*?\) in its token
        "Content-Type: text/plain%s", // \([^)]*\) in the media type
        "Content-Type: text/plain; charset=\"%sx\"", // [";,]+$ around a charset
    })
    void givenAHeaderWithAHundredThousandCharactersInARow_whenParsed_thenItIsReadInLinearTime(String header)
            throws UnparseableMailException {
        String run = header.contains("From") ? " " : header.contains("charset") ? ";"
                : header.contains("a@") ? "'" : "(";
        String from = header.startsWith("From") ? "" : "From: Jane <jane@example.org>\r\n";
        byte[] raw = (from + header.formatted(run.repeat(100_000)) + "\r\nSubject: Hi\r\n\r\nHello\r\n")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(new InboundMailParser(10_000_000, 1_000_000).parse(raw).subject()).isEqualTo("Hi");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD) // HTML parsing itself: ~1 s
    void givenAHtmlLinkOfAHundredThousandSlashes_whenParsed_thenItIsReadInLinearTime() throws UnparseableMailException {
        String slashes = "/".repeat(100_000);
        byte[] raw = ("From: Jane <jane@example.org>\r\nSubject: Hi\r\nContent-Type: text/html\r\n\r\n<a href=\"http://"
                + slashes + "x\">http://" + slashes + "y</a>\r\n").getBytes(StandardCharsets.UTF_8);

        assertThat(new InboundMailParser(10_000_000, 1_000_000).parse(raw).text()).contains("http://");
    }

    @Test
    void givenHeaderValues_whenTrimmedOrCommentsRemoved_thenTheResultIsTheSameAsThePatternsGave() {
        for (String value : new String[] {"", "(", ")", "a (b) c", "(a (b) c) d", "((x)", "(a)(b)(", "x (y", "()"}) {
            assertThat(Texts.withoutParentheses(value, " ")).as(value).isEqualTo(value.replaceAll("\\([^)]*\\)", " "));
        }
        for (String value : new String[] {"", "<>", " <a@b> ", "<<a>>", "a", " \t<a b>\n", "'<x'>"}) {
            assertThat(Texts.strip(value, "<>'" + Texts.WHITESPACE, "<>'" + Texts.WHITESPACE)).as(value)
                    .isEqualTo(value.replaceAll("^[<>'\\s]+|[<>'\\s]+$", ""));
            if (!value.contains("\n")) { // $ matches before a last line break too: these are words, without any
                assertThat(Texts.strip(value, "<\"'", ">\"'")).as(value)
                        .isEqualTo(value.replaceAll("^[<\"']+|[>\"']+$", ""));
            }
        }
    }

    @Test
    void givenAReferencesHeaderOfFortyThousandIds_whenRead_thenDuplicatesAreDroppedWithoutComparingEveryPair() {
        // took 14 s
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            header.append('<').append(i).append("@example.org> ");
        }
        header.append("<0@example.org>");

        assertThat(MessageIds.all(header.toString())).hasSize(40_000).startsWith("0@example.org", "1@example.org");
    }
}
