package dev.casey.bench.jmh;

import dev.casey.mailgateway.outbound.ComposedMail;
import dev.casey.mailgateway.outbound.MailComposer;
import dev.casey.mailgateway.outbound.MailIdentity;
import dev.casey.mailgateway.outbound.MailKind;
import dev.casey.mailgateway.outbound.OutgoingMail;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * {@link MailComposer#compose(OutgoingMail)}: the mails that every opened case and every posted message
 * cause, one per recipient, composed in the HTTP request's transaction. {@code NEW_CASE} is what a team
 * member gets for a new case (no history); {@code MESSAGE} is a reply in a running case quoting the
 * five earlier messages the planner quotes at most ({@code MailPlanner.QUOTED_MESSAGES}).
 */
public class MailComposingBenchmark extends MailBenchmark {

    private static final String DOMAIN = "support.example.com";

    @Param({"NEW_CASE", "MESSAGE"})
    public String kind;

    private final MailComposer composer = new MailComposer(MailIdentity.of("support@example.com", "Acme Support"));
    private OutgoingMail mail;

    @Setup
    public void build() {
        Instant now = Instant.parse("2026-11-24T09:12:40Z");
        OutgoingMail.Builder b = OutgoingMail.builder(MailKind.valueOf(kind))
                .messageId("casey.q8w6e4r2t0y8u6i4o2p0a8s6d4@" + DOMAIN)
                .date(now)
                .caseReference("K7QM-4XPD")
                .caseSubject("Re: Export to CSV (Excel) stops at 80 % – Müller & Söhne GmbH");
        if (kind.equals("NEW_CASE")) {
            b.recipient("Ben Foo", "ben@example.com").authorName("Some Müller").body("""
                    Hello,

                    every time I open the export dialog and choose "CSV (Excel)" the progress bar stops at 80 %
                    and after a minute the page says "Something went wrong". With "CSV (plain)" it works.

                    Some""");
        } else {
            List<String> thread = new ArrayList<>();
            List<OutgoingMail.EarlierMessage> history = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                thread.add("casey.thread" + i + "aaaaaaaaaaaaaaaaaaaaaa@" + DOMAIN);
                history.add(new OutgoingMail.EarlierMessage(i % 2 == 0 ? "Some Müller" : "Ben Foo",
                        now.minusSeconds(3600L * (i + 1)),
                        "Earlier message " + i + " of the case, with a few lines of text.\n\n"
                                + "It mentions the export dialog, the browser and the account once more.\n"
                                + "Regards"));
            }
            b.recipient("Some Müller", "some.user@other.tld").authorName("Ben Foo")
                    .inReplyTo(thread.get(thread.size() - 1)).references(thread).history(history)
                    .body("Hello Some,\n\nthanks, we could reproduce it: the Excel export runs into a row limit.\n"
                            + "A fix is on its way; until then please use \"CSV (plain)\".\n\nBen");
        }
        mail = b.build();
        ComposedMail composed = composer.compose(mail);
        if (composed.raw().length < 500) {
            throw new IllegalStateException("suspiciously small mail: " + composed.rawString());
        }
    }

    @Benchmark
    public ComposedMail compose() {
        return composer.compose(mail);
    }
}
