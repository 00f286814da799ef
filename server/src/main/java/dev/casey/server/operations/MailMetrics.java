package dev.casey.server.operations;

import dev.casey.mailgateway.imap.MailboxPoller;
import dev.casey.mailgateway.inbound.InboundMailProcessor;
import dev.casey.mailgateway.outbox.Outbox;
import dev.casey.mailgateway.outbox.OutboxDelivery;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The mail gateway's counters as meters. The gateway keeps plain counters and knows nothing of
 * Micrometer; the meters read them when scraped.
 */
class MailMetrics implements MeterBinder {

    private final OutboxDelivery delivery;
    private final Supplier<Outbox.Backlog> backlog;
    private final InboundMailProcessor inbound;
    private final MailboxPoller poller;
    private final Clock clock;

    MailMetrics(OutboxDelivery delivery, Supplier<Outbox.Backlog> backlog, InboundMailProcessor inbound,
                MailboxPoller poller, Clock clock) {
        this.delivery = delivery;
        this.backlog = backlog;
        this.inbound = inbound;
        this.poller = poller;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("casey.mail.sent", delivery, OutboxDelivery::sentCount)
                .description("Mails accepted by the SMTP server").register(registry);
        FunctionCounter.builder("casey.mail.failed", delivery, OutboxDelivery::failedCount)
                .description("Mails given up on (permanent SMTP failure or too many attempts)").register(registry);
        Gauge.builder("casey.mail.outbox.queued", backlog, b -> b.get().queued()).strongReference(true)
                .description("Mails waiting in the outbox (all instances)").register(registry);
        Gauge.builder("casey.mail.outbox.oldest.age", backlog, this::oldestAgeSeconds).strongReference(true)
                .baseUnit("seconds")
                .description("How long the oldest queued mail has been waiting; 0 when none").register(registry);

        for (InboundMailProcessor.Outcome outcome : InboundMailProcessor.Outcome.values()) {
            FunctionCounter.builder("casey.mail.inbound", inbound, i -> i.outcomeCounts().get(outcome))
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                    .description("Inbound mails (IMAP and HTTP) by what became of them").register(registry);
        }

        imapCounter(registry, "processed", MailboxPoller.Stats::processed);
        imapCounter(registry, "duplicate", MailboxPoller.Stats::duplicates);
        imapCounter(registry, "quarantined", MailboxPoller.Stats::quarantined);
        FunctionCounter.builder("casey.imap.failures", poller, p -> p.stats().failures())
                .description("IMAP poller failures of any kind (mailbox, database, unreadable message)")
                .register(registry);
        Gauge.builder("casey.imap.leader", poller, p -> p.stats().leader() ? 1 : 0)
                .description("1 when this instance polls the mailbox, 0 when it stands by").register(registry);
        Gauge.builder("casey.imap.connected", poller, p -> p.stats().connected() ? 1 : 0)
                .description("1 while an IMAP connection is open").register(registry);
        Gauge.builder("casey.imap.last.successful.cycle.timestamp", poller, MailMetrics::lastCycleEpochSeconds)
                .baseUnit("seconds")
                .description("When the poller last emptied the inbox (Unix time); NaN before the first time")
                .register(registry);
    }

    private void imapCounter(MeterRegistry registry, String result, ToDoubleFunction<MailboxPoller.Stats> count) {
        FunctionCounter.builder("casey.imap.messages", poller, p -> count.applyAsDouble(p.stats()))
                .tag("result", result)
                .description("Messages the IMAP poller took from the inbox, by result").register(registry);
    }

    private double oldestAgeSeconds(Supplier<Outbox.Backlog> source) {
        Instant oldest = source.get().oldestQueuedAt();
        return oldest == null ? 0 : Math.max(0, (clock.millis() - oldest.toEpochMilli()) / 1000.0);
    }

    private static double lastCycleEpochSeconds(MailboxPoller p) {
        Instant last = p.stats().lastSuccessfulCycle();
        return last == null ? Double.NaN : last.toEpochMilli() / 1000.0;
    }
}
