package dev.casey.mailgateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casey.mailgateway.outbound.MailComposer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Subjects anyone can send, on which the patterns reading them once backtracked for seconds to
 * minutes or overflowed the stack. Each is read in milliseconds now: the time limits only catch a pattern that
 * backtracks again (they run on a thread of their own, so that such a test fails at its limit, not minutes later).
 */
@Timeout(value = 5, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class HostileInputTests {

    @Test
    void givenAThousandReplyPrefixes_whenTakenOff_thenTheSubjectRemains() {
        assertThat(MailComposer.withoutReplyPrefixes("Re: ".repeat(1000) + "Printer on fire")).isEqualTo("Printer on fire");
        assertThat(InboundMailProcessor.newCaseSubject("Re: ".repeat(1000) + "Printer on fire"))
                .isEqualTo("Printer on fire");
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
}
