package dev.casey.mailgateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplyExtractorTests {

    @Test
    void givenOurMarkerWithAttributionAbove_whenExtracted_thenBothAndEverythingBelowAreCut() {
        String text = """
                Thanks, that fixed it.

                On Tue, 5 Mar 2024 at 10:00, Casey Support <support@example.com> wrote:
                > ## Reply above this line ##
                > Hello Jane, please try again.
                """;

        assertThat(ReplyExtractor.extract(text)).isEqualTo("Thanks, that fixed it.");
    }

    @Test
    void givenOurMarkerBelowAWrappedAttribution_whenExtracted_thenTheWholeAttributionIsCut() {
        String text = """
                Works now.

                On Tue, 5 Mar 2024 at 10:00, Casey Support <
                support@example.com> wrote:

                >> REPLY ABOVE THIS LINE <<
                > old text
                """;

        assertThat(ReplyExtractor.extract(text)).isEqualTo("Works now.");
    }

    @Test
    void givenOurMarkerWithoutAttribution_whenExtracted_thenTheTextAboveStays() {
        String text = "New answer\nstill new\n-- Reply above this line --\nold\n";

        assertThat(ReplyExtractor.extract(text)).isEqualTo("New answer\nstill new");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "From: Casey Support <support@example.com>\nSent: Monday, March 4, 2024 10:00 AM\nTo: Jane <jane@example.com>"
            + "\nCc: Ben Foo <ben@domain.tld>\nSubject: RE: [Casey K7QM-4XPD] Printer",
        "Van: Casey Support <support@example.com>\nVerzonden: maandag 4 maart 2024 10:00\nAan: Jane"
            + "\nCC: Ben Foo <ben@domain.tld>\nOnderwerp: [Casey K7QM-4XPD] Printer",
        "De : Casey Support <support@example.com>\nEnvoyé : lundi 4 mars 2024 10:00\nÀ : Jane"
            + "\nCc : Ben Foo <ben@domain.tld>\nObjet : [Casey K7QM-4XPD] Printer",
        "Von: Casey Support <support@example.com>\nGesendet: Montag, 4. März 2024 10:00\nAn: Jane"
            + "\nCc: Ben Foo <ben@domain.tld>\nBetreff: [Casey K7QM-4XPD] Printer",
        "________________________________\nFrom: Casey Support <support@example.com>\nSent: Monday\nTo: Jane"
            + "\nCc: Ben Foo <ben@domain.tld>\nSubject: [Casey K7QM-4XPD] Printer",
    })
    void givenOutlookHeaderBlockAboveOurMarker_whenExtracted_thenTheBlockIsCutToo(String block) {
        String marker = "##- Reply above this line to add to case K7QM-4XPD -##";
        String quoted = "My answer.\n\n" + block + "\n\n> " + marker + "\n> Hello Jane\n";
        String adjacent = "My answer.\n\n" + block + "\n" + marker + "\n\nHello Jane\n";

        assertThat(ReplyExtractor.extract(quoted)).isEqualTo("My answer.");
        assertThat(ReplyExtractor.extract(adjacent)).isEqualTo("My answer.");
    }

    @Test
    void givenTheWritersOwnWordsBetweenASeparatorAndOurMarker_whenExtracted_thenTheyAreKept() {
        String marker = "\n\nOn Mon, 2 Dec 2026 at 10:00, Support <support@example.com> wrote:\n> "
                + "##- Reply above this line to add to case K7QM-4XPD -##\n> Hello Jane\n";
        String colleague = "Hi, my colleague wrote this to me yesterday:\n"
                + "On Mon, 1 Dec 2026 at 09:00, John Smith <john@cust.tld> wrote:\n> error 42\n"
                + "Can you please help with this? It is urgent.";
        String typed = "Please export the logs for this period:\nFrom: 2026-11-01\nSent: by the night job\n"
                + "To: 2026-11-30\nWe need them for the audit.";

        assertThat(ReplyExtractor.extract(colleague + marker)).isEqualTo(colleague);
        assertThat(ReplyExtractor.extract(typed + marker)).isEqualTo(typed);
    }

    @Test
    void givenAFinnishOutlookReply_whenExtracted_thenItsHeaderBlockIsCutAsForAnyReply() {
        // VS: is Finnish for a reply (Danish and Norwegian use it for a forward): no sign of a forward
        String text = "Vastaus.\n\nFrom: Casey Support <support@example.com>\nSent: Monday\nTo: Jane\n"
                + "Cc: Ben Foo <ben@domain.tld>\nSubject: [Casey K7QM-4XPD] Printer\n\n> "
                + "##- Reply above this line to add to case K7QM-4XPD -##\n> Hello Jane\n";

        assertThat(ReplyExtractor.extract(text, "VS: [Casey K7QM-4XPD] Printer")).isEqualTo("Vastaus.");
    }

    @Test
    void givenForwardWithComment_whenExtracted_thenTheForwardedMailIsKept() {
        String text = """
                See the error:

                ---------- Forwarded message ---------
                From: Monitor <monitor@example.com>
                Date: Mon, Mar 4, 2024 at 10:00 AM
                Subject: Crash
                To: <jane@example.com>

                ERROR CODE 0xDEAD
                """;

        assertThat(ReplyExtractor.extract(text, "Fwd: Crash")).isEqualTo(text.strip());
        assertThat(ReplyExtractor.extract(text, "Crash")).isEqualTo(text.strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Begin forwarded message:\n\nFrom: Monitor <monitor@example.com>\nSubject: Crash\nDate: 4 March 2024 at 10:00"
            + "\nTo: Jane <jane@example.com>",
        "-------- Forwarded Message --------\nSubject: Crash\nDate: Mon, 4 Mar 2024 10:00\nFrom: Monitor"
            + " <monitor@example.com>\nTo: jane@example.com",
        "-------- Weitergeleitete Nachricht --------\nBetreff: Crash\nDatum: Mon, 4 Mar 2024 10:00\nVon: Monitor"
            + " <monitor@example.com>\nAn: jane@example.com",
        "-------- Message transféré --------\nSujet : Crash\nDate : Mon, 4 Mar 2024 10:00\nDe : Monitor"
            + " <monitor@example.com>\nPour : jane@example.com",
        "---------- Forwarded message ---------\nFrom: Monitor <monitor@example.com>\nDate: Mon, Mar 4, 2024"
            + "\nSubject: Crash\nTo: <jane@example.com>\n\nHi,\n\nOn Mon, Mar 4, 2024 at 9:00 AM Ops <ops@example.com>"
            + " wrote:\n> the history of the forwarded mail",
    })
    void givenForwardMarker_whenExtracted_thenNothingIsCut(String forward) {
        String text = "Please have a look.\n\n" + forward + "\n\nERROR CODE 0xDEAD";

        assertThat(ReplyExtractor.extract(text, "Fwd: Crash")).isEqualTo(text);
        assertThat(ReplyExtractor.extract(forward + "\n\nERROR CODE 0xDEAD", "Fwd: Crash"))
                .isEqualTo(forward + "\n\nERROR CODE 0xDEAD");
    }

    @Test
    void givenSignatureAboveTheForwardedMail_whenExtracted_thenOnlyTheSignatureIsCut() {
        String forward = "---------- Forwarded message ---------\nFrom: Monitor <monitor@example.com>\nDate: Mon"
                + "\nSubject: Crash\nTo: jane@example.com\n\nERROR CODE 0xDEAD";
        String text = "See the error:\n\n-- \nJane Doe\nACME Inc.\n\n" + forward + "\n";

        assertThat(ReplyExtractor.extract(text, "Fwd: Crash")).isEqualTo("See the error:\n\n" + forward);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FW: Crash", "Fwd: Crash", "WG: Crash", "TR: Crash", "RV: Crash", "Doorst: Crash",
        "I: Crash"})
    void givenOriginalMessageSeparatorInAForward_whenExtracted_thenTheForwardedMailIsKept(String subject) {
        String text = """
                Please see below.

                -----Original Message-----
                From: Monitor <monitor@example.com>
                Sent: Monday, March 4, 2024 10:00 AM
                To: Jane <jane@example.com>
                Subject: Crash

                ERROR CODE 0xDEAD""";

        assertThat(ReplyExtractor.extract(text, subject)).isEqualTo(text);
        assertThat(ReplyExtractor.extract(text, "RE: " + subject)).isEqualTo("Please see below.");
    }

    @Test
    void givenForwardMarkerInTheQuotedHistoryOfAReply_whenExtracted_thenTheHistoryIsStillCut() {
        String text = """
                Thanks, fixed.

                On Mon, Mar 4, 2024 at 10:00 AM Casey Support <support@example.com> wrote:
                > See the error:
                > ---------- Forwarded message ---------
                > From: Monitor <monitor@example.com>
                > ERROR CODE 0xDEAD
                """;

        assertThat(ReplyExtractor.extract(text, "Re: Fwd: Crash")).isEqualTo("Thanks, fixed.");
    }

    @Test
    void givenOriginalMessageSeparator_whenExtracted_thenItAndTheHistoryAreCut() {
        String text = """
                Please call me.

                -----Original Message-----
                From: Support
                Sent: Monday
                Old text
                """;

        assertThat(ReplyExtractor.extract(text)).isEqualTo("Please call me.");
    }

    @Test
    void givenLocalisedOriginalMessageSeparator_whenExtracted_thenItIsCut() {
        assertThat(ReplyExtractor.extract("Ja.\n\n-----Ursprüngliche Nachricht-----\nVon: x\n"))
                .isEqualTo("Ja.");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "From: Casey Support [mailto:support@example.com]\nSent: Monday, March 4, 2024 10:00 AM\nTo: Jane\nSubject: x",
        "*From:* Casey Support <support@example.com>\n*Sent:* Monday\n*To:* Jane\n*Subject:* x",
        "Von: Casey Support <support@example.com>\nGesendet: Montag, 4. März 2024 10:00\nAn: Jane\nBetreff: AW: x",
        "De : Casey Support <support@example.com>\nEnvoyé : lundi 4 mars 2024 10:00\nÀ : Jane\nObjet : RE: x",
        "Van: Casey Support <support@example.com>\nVerzonden: maandag 4 maart 2024 10:00\nAan: Jane\nOnderwerp: x",
        "De: Casey Support <support@example.com>\nEnviado el: lunes, 4 de marzo de 2024 10:00\nPara: Jane\nAsunto: x",
        "Fra: Casey Support <support@example.com>\nSendt: 4. marts 2024 10:00\nTil: Jane\nEmne: SV: x",
        "From: Casey Support <support@example.com>\nDate: Mon, 4 Mar 2024\nTo: Jane\nSubject: x",
    })
    void givenOutlookHeaderBlock_whenExtracted_thenTheHistoryIsCut(String block) {
        String text = "My new answer.\n\n" + block + "\n\nOld conversation\n";

        assertThat(ReplyExtractor.extract(text)).isEqualTo("My new answer.");
    }

    @Test
    void givenFromLineWithoutTheRestOfAHeaderBlock_whenExtracted_thenNothingIsCut() {
        String text = "From: my colleague I heard about this.\nCan you help?\n";

        assertThat(ReplyExtractor.extract(text)).isEqualTo("From: my colleague I heard about this.\nCan you help?");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "On Mon, Mar 4, 2024 at 10:00 AM Casey Support <support@example.com> wrote:",
        "On 4 Mar 2024, at 10:00, Casey Support wrote:",
        "Am 07.05.2012 08:10, schrieb Martin Edenhofer via Znuny Team:",
        "Am Mo., 4. März 2024 um 10:00 Uhr schrieb Casey Support <support@example.com>:",
        "Le lun. 4 mars 2024 à 10:00, Casey Support <support@example.com> a écrit :",
        "Op ma 4 mrt. 2024 om 10:00 schreef Casey Support <support@example.com>:",
        "El lun, 4 mar 2024 a las 10:00, Casey Support (<support@example.com>) escribió:",
        "Den man. 4. mar. 2024 kl. 10.00 skrev Casey Support <support@example.com>:",
    })
    void givenAttributionLine_whenExtracted_thenItAndTheQuoteAreCut(String attribution) {
        String text = "Answer above.\n\n" + attribution + "\n> old line\n> older line\n";

        assertThat(ReplyExtractor.extract(text)).isEqualTo("Answer above.");
    }

    @Test
    void givenGmailAttributionWrappedOverTwoLines_whenExtracted_thenItIsCut() {
        String text = """
                Sounds good.

                On Mon, Mar 4, 2024 at 10:00 AM Casey Support Team of Example Corporation <
                support@example.com> wrote:
                > old
                """;

        assertThat(ReplyExtractor.extract(text)).isEqualTo("Sounds good.");
    }

    @Test
    void givenTrailingQuoteBlock_whenExtracted_thenItIsCut() {
        String text = "Yes, please.\n\n> Do you want the upgrade?\n>\n> Casey\n";

        assertThat(ReplyExtractor.extract(text)).isEqualTo("Yes, please.");
    }

    @Test
    void givenInterleavedQuotes_whenExtracted_thenOnlyTheTrailingBlockIsCut() {
        String text = "> Question one?\nAnswer one.\n> Question two?\nAnswer two.\n> Bye\n";

        assertThat(ReplyExtractor.extract(text))
                .isEqualTo("> Question one?\nAnswer one.\n> Question two?\nAnswer two.");
    }

    @Test
    void givenOutlookWebUnderscoreLine_whenExtracted_thenItIsCut() {
        String text = "Done.\n\n________________________________\nFrom: Casey\nOld\n";

        assertThat(ReplyExtractor.extract(text)).isEqualTo("Done.");
    }

    @Test
    void givenSignatureDelimiter_whenExtracted_thenTheSignatureIsCut() {
        String text = "Thanks!\n\n-- \nJane Doe\nACME Inc.\n";

        assertThat(ReplyExtractor.extract(text)).isEqualTo("Thanks!");
    }

    @Test
    void givenSignatureDelimiterWithoutItsSpace_whenExtracted_thenItIsCutToo() {
        // Many clients strip trailing spaces; "--" alone on a line is still meant as a delimiter. In
        // the mail corpus nine mails have such a line and in all of them a signature follows, while
        // none uses it as text; cutting only at "-- " would leave those signatures in.
        assertThat(ReplyExtractor.extract("Thanks!\n--\nJane\n")).isEqualTo("Thanks!");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Sent from my iPhone", "Von meinem iPhone gesendet", "Get Outlook for Android",
        "Envoyé de mon iPad", "Verzonden vanaf mijn iPhone", "Enviado desde mi iPhone", "Sendt fra min iPhone"})
    void givenMobileSignatureAtTheEnd_whenExtracted_thenItIsCut(String signature) {
        assertThat(ReplyExtractor.extract("Okay, tomorrow then.\n\n" + signature + "\n"))
                .isEqualTo("Okay, tomorrow then.");
    }

    @Test
    void givenMobileSignatureInTheMiddle_whenExtracted_thenItStays() {
        String text = "Sent from my iPhone\nis what my mails say. Can I turn that off?";

        assertThat(ReplyExtractor.extract(text)).isEqualTo(text);
    }

    @Test
    void givenSeparatorAndSignature_whenExtracted_thenBothAreCut() {
        String text = """
                New text.
                --\s
                Jane

                -----Original Message-----
                Old
                """;

        assertThat(ReplyExtractor.extract(text)).isEqualTo("New text.");
    }

    @Test
    void givenCuttingWouldLeaveNothing_whenExtracted_thenTheFullTextIsTheReply() {
        String bottomPosted = "On Mon, 4 Mar 2024, Casey wrote:\n> question?\n\nmy answer below the quote\n";

        assertThat(ReplyExtractor.extract(bottomPosted))
                .isEqualTo("On Mon, 4 Mar 2024, Casey wrote:\n> question?\n\nmy answer below the quote");
        assertThat(ReplyExtractor.extract("-- \nonly a signature\n")).isEqualTo("-- \nonly a signature");
        assertThat(ReplyExtractor.extract("Reply above this line\nold\n")).isEqualTo("Reply above this line\nold");
    }

    @Test
    void givenTrailingWhitespaceLines_whenExtracted_thenTheyAreTrimmed() {
        assertThat(ReplyExtractor.extract("\n\nHello  \n \n\t\n")).isEqualTo("Hello");
        assertThat(ReplyExtractor.extract("  \n")).isEmpty();
    }

    @Test
    void givenHtmlOnlyOutlookReplyAboveOurMarker_whenParsed_thenTheHeaderBlockWithItsCcIsCut() throws Exception {
        InboundMail mail = new InboundMailParser().parse("""
                From: jane@example.com
                Subject: RE: [Casey K7QM-4XPD] Printer
                Content-Type: text/html; charset=utf-8

                <html><body><div class=WordSection1><p class=MsoNormal>Thanks, works.<o:p></o:p></p>
                <p class=MsoNormal><o:p>&nbsp;</o:p></p><div><div style='border:none;border-top:solid #E1E1E1 1.0pt'>
                <p class=MsoNormal><b>From:</b> Ben via Support &lt;support@casey.localhost&gt;<br><b>Sent:</b> Monday,
                March 4, 2024 10:00 AM<br><b>To:</b> Jane &lt;jane@example.com&gt;<br><b>Cc:</b> Ben Foo
                &lt;ben@domain.tld&gt;<br><b>Subject:</b> [Casey K7QM-4XPD] Printer<o:p></o:p></p></div></div>
                <p class=MsoNormal><o:p>&nbsp;</o:p></p>
                <p style="color:#888888">##- Reply above this line to add to case K7QM-4XPD -##</p>
                <p>Hello Jane, please restart the printer.</p></div></body></html>
                """.getBytes(StandardCharsets.UTF_8));

        assertThat(mail.reply()).isEqualTo("Thanks, works.");
    }

    @Test
    void givenOutlookForwardThatOpensACase_whenParsed_thenTheForwardedMailIsInTheReply() throws Exception {
        InboundMail mail = new InboundMailParser().parse("""
                From: jane@example.com
                Subject: FW: Crash on startup

                Please see below.

                -----Original Message-----
                From: Monitor <monitor@example.com>
                Sent: Monday, March 4, 2024 10:00 AM
                To: Jane <jane@example.com>
                Subject: Crash on startup

                ERROR CODE 0xDEAD
                """.getBytes(StandardCharsets.UTF_8));

        assertThat(mail.reply()).startsWith("Please see below.").endsWith("ERROR CODE 0xDEAD");
    }

    @Test
    void givenHtmlReplyWithBlockquote_whenParsed_thenTheQuotedHistoryIsCutFromTheReply() throws Exception {
        InboundMail mail = new InboundMailParser().parse("""
                From: jane@example.com
                Content-Type: text/html; charset=utf-8

                <div>Works, thank you!</div><div><br></div>
                <div class="gmail_quote">On Mon, Mar 4, 2024 at 10:00 AM Casey &lt;support@example.com&gt; wrote:<br>
                <blockquote type="cite"><p>Please restart.</p></blockquote></div>
                """.getBytes(StandardCharsets.UTF_8));

        assertThat(mail.text()).isEqualTo("""
                Works, thank you!

                On Mon, Mar 4, 2024 at 10:00 AM Casey <support@example.com> wrote:

                > Please restart.""");
        assertThat(mail.reply()).isEqualTo("Works, thank you!");
    }
}
