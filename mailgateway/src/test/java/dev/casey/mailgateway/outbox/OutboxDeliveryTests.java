package dev.casey.mailgateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.casey.api.settings.Settings;
import dev.casey.mailgateway.MailSettings;
import dev.casey.mailgateway.outbound.CarriedAttachments;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.SimpleTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

class OutboxDeliveryTests {

    @Test
    void givenASenderThatThrowsAnErrorOnce_whenMailIsQueued_thenTheWorkerGoesOnAndDeliversIt() {
        QueuedMails outbox = new QueuedMails(List.of(mail("<first@casey.localhost>"), mail("<second@casey.localhost>")));
        List<String> delivered = new CopyOnWriteArrayList<>();
        AtomicBoolean failedOnce = new AtomicBoolean();
        SmtpSender sender = new SmtpSender() {
            @Override
            synchronized void send(Settings settings, CarriedAttachments.Sendable mail, String recipient) {
                if (failedOnce.compareAndSet(false, true)) {
                    throw new OutOfMemoryError("Java heap space (a test)");
                }
                delivered.add(new String(mail.raw(), StandardCharsets.US_ASCII));
            }
        };
        OutboxDelivery delivery = new OutboxDelivery(outbox, new OutboxSignal(), new MailSettings(
                () -> Settings.defaults().with(Map.of("mailEnable", true, "smtpServer", "127.0.0.1"))),
                new TransactionTemplate(new NoTransactions()), null, Duration.ofSeconds(5), 1, () -> sender);
        delivery.start();
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(delivered)
                    .containsExactlyInAnyOrder("<first@casey.localhost>", "<second@casey.localhost>"));
            assertThat(delivery.sentCount()).isEqualTo(2);
        } finally {
            delivery.stop();
        }
    }

    @Test
    void givenTheDatabaseLostWhileSmtpTookAMail_whenItCannotBeMarkedSent_thenTheRowAndMessageIdAreLoggedForTheRepeat() {
        Outbox.Entry mail = mail("<twice@casey.localhost>");
        QueuedMails outbox = new QueuedMails(List.of(mail));
        outbox.unrecordable.set(1);
        List<String> delivered = new CopyOnWriteArrayList<>();
        SmtpSender sender = new SmtpSender() {
            @Override
            synchronized void send(Settings settings, CarriedAttachments.Sendable sendable, String recipient) {
                delivered.add(new String(sendable.raw(), StandardCharsets.US_ASCII));
            }
        };
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger logger = (Logger) LoggerFactory.getLogger(OutboxDelivery.class);
        logger.addAppender(logs);
        OutboxDelivery delivery = new OutboxDelivery(outbox, new OutboxSignal(), new MailSettings(
                () -> Settings.defaults().with(Map.of("mailEnable", true, "smtpServer", "127.0.0.1"))),
                new TransactionTemplate(new NoTransactions()), null, Duration.ofMillis(50), 1, () -> sender);
        delivery.start();
        try {
            // the row stayed queued: the mail goes out again, with the same Message-ID
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(delivered)
                    .containsExactly("<twice@casey.localhost>", "<twice@casey.localhost>"));
        } finally {
            delivery.stop();
            logger.detachAppender(logs);
        }
        assertThat(logs.list).filteredOn(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).contains("<twice@casey.localhost>").contains(mail.id().toString())
                        .contains("could not be marked sent"));
    }

    @Test
    void givenNoWorkers_whenStarted_thenNothingIsSentAndTheMailsStayQueued() {
        QueuedMails outbox = new QueuedMails(List.of(mail("<kept@casey.localhost>")));
        List<String> delivered = new CopyOnWriteArrayList<>();
        OutboxDelivery delivery = new OutboxDelivery(outbox, new OutboxSignal(), new MailSettings(
                () -> Settings.defaults().with(Map.of("mailEnable", true, "smtpServer", "127.0.0.1"))),
                new TransactionTemplate(new NoTransactions()), null, Duration.ofSeconds(5), 0, () -> new SmtpSender() {
                    @Override
                    synchronized void send(Settings settings, CarriedAttachments.Sendable mail, String recipient) {
                        delivered.add(recipient);
                    }
                });
        delivery.start();
        assertThat(delivery.isRunning()).as("no worker started").isFalse();
        delivery.stop();
        assertThat(delivered).isEmpty();
        assertThat(outbox.queued).hasSize(1);
    }

    private static Outbox.Entry mail(String messageId) {
        return new Outbox.Entry(UUID.randomUUID(), UUID.randomUUID(), "reply", "some.user@other.tld", null, messageId,
                "Test", Map.of(), "Hello", messageId.getBytes(StandardCharsets.US_ASCII), Outbox.State.QUEUED, 0,
                Instant.now(), null, null);
    }

    /** The mails not yet sent are due; a mail whose transaction failed stays queued, as in the database. */
    private static final class QueuedMails extends Outbox {
        private final List<Entry> queued;
        /** How many times more marking a mail sent fails as when the database goes away. */
        final AtomicInteger unrecordable = new AtomicInteger();

        QueuedMails(List<Entry> mails) {
            super(null, new OutboxSignal(), null, null);
            this.queued = new CopyOnWriteArrayList<>(mails);
        }

        @Override
        Optional<Entry> claimDue() {
            return queued.stream().findFirst();
        }

        @Override
        void sent(Entry mail) {
            if (unrecordable.getAndDecrement() > 0) {
                throw new DataAccessResourceFailureException("An I/O error occurred while sending to the backend");
            }
            queued.remove(mail);
        }

        @Override
        void retryLater(Entry mail, Instant next, String error) {
            throw new AssertionError("not expected: " + error);
        }

        @Override
        void failed(Entry mail, String error) {
            throw new AssertionError("not expected: " + error);
        }
    }

    private static final class NoTransactions implements PlatformTransactionManager {
        @Override
        public TransactionStatus getTransaction(TransactionDefinition definition) {
            return new SimpleTransactionStatus();
        }

        @Override
        public void commit(TransactionStatus status) {
        }

        @Override
        public void rollback(TransactionStatus status) {
        }
    }
}
