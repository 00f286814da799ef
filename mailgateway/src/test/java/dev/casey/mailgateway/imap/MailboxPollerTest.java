package dev.casey.mailgateway.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariDataSource;
import dev.casey.mailgateway.imap.InboundSink.Outcome;
import dev.casey.mailgateway.imap.RecordingSink.Call;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The poller against a real IMAP server (GreenMail, mail delivered over SMTP) and a real PostgreSQL. */
@Timeout(30)
class MailboxPollerTest {

    private static final Duration FAST = Duration.ofMillis(500);
    /** So long that only IMAP IDLE (not the periodic check) can explain a quick pickup. */
    private static final Duration SLOW = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<TestMailServer> servers = new ArrayList<>();
    private final List<MailboxPoller> pollers = new ArrayList<>();
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private TestMailServer mail;

    @BeforeEach
    void setUp() {
        TestDatabase.postgres();
        mail = server(TestMailServer.started());
        logs.start();
        ((Logger) LoggerFactory.getLogger(MailboxPoller.class)).addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        pollers.forEach(MailboxPoller::stop);
        pools.forEach(HikariDataSource::close);
        servers.forEach(TestMailServer::close);
        ((Logger) LoggerFactory.getLogger(MailboxPoller.class)).detachAppender(logs);
    }

    @Test
    void processedMessageReachesTheSinkAsExactBytesAndMovesToProcessed() {
        String raw = TestMailServer.rawMessage("exact-1@other.test", "Exact bytes, please",
                "Grüße aus Köln.\r\nSecond line.");
        mail.deliver(raw);
        RecordingSink sink = new RecordingSink("sink");

        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 1);
        assertThat(mail.messageIds("INBOX")).isEmpty();
        assertThat(sink.calls()).hasSize(1);
        byte[] handed = sink.calls().get(0).raw();
        String text = new String(handed, StandardCharsets.UTF_8);
        assertThat(text).contains("Subject: Exact bytes, please\r\n", "Message-ID: <exact-1@other.test>\r\n",
                "\r\n\r\nGrüße aus Köln.\r\nSecond line.");
        // GreenMail puts Return-Path and Received in front and keeps no CRLF after the last line
        assertThat(text).as("the whole message as sent, headers included")
                .startsWith("Return-Path: <some.user@other.test>\r\n")
                .endsWith(raw.substring(0, raw.length() - 2));
        TestMailServer.Seen stored = mail.folder("Casey/Processed").get(0);
        assertThat(handed).as("the exact bytes the server stores").isEqualTo(stored.raw());
        assertThat(mail.supportsUserFlags()).as("GreenMail keeps keywords").isTrue();
        assertThat(stored.userFlags()).containsExactly(MailboxPoller.PROCESSED_KEYWORD);
        assertThat(mail.messageIds("Casey/Quarantine")).isEmpty();

        MailboxPoller.Stats stats = poller.stats();
        assertThat(stats.processed()).isEqualTo(1);
        assertThat(stats.duplicates()).isZero();
        assertThat(stats.quarantined()).isZero();
        assertThat(stats.failures()).isZero();
        assertThat(stats.leader()).isTrue();
        assertThat(stats.connected()).isTrue();
        assertThat(stats.lastSuccessfulCycle()).isNotNull();
        assertThat(warnings()).isEmpty();
    }

    /** For each message the poller reads from then on: whether it came with others (read ahead) or on its own. */
    private static List<Boolean> readAheads(MailboxPoller poller) {
        List<Boolean> readAhead = new CopyOnWriteArrayList<>();
        MailboxPoller.RawReader server = poller.rawReader;
        poller.rawReader = (message, prefetched) -> {
            readAhead.add(prefetched != null);
            return server.read(message, prefetched);
        };
        return readAhead;
    }

    @Test
    void messagesWaitingInTheInboxAreReadTogetherAsTheExactBytesTheServerStores() {
        IntStream.rangeClosed(1, 7).forEach(i -> mail.deliver("waiting-" + i + "@other.test", "Waiting " + i));
        RecordingSink sink = new RecordingSink("sink");
        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        List<Boolean> readAhead = readAheads(poller);
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 7);
        assertThat(readAhead).as("every message came with the others, none on its own").hasSize(7)
                .containsOnly(true);
        assertThat(sink.messageIds()).containsExactly(IntStream.rangeClosed(1, 7)
                .mapToObj(i -> "waiting-" + i + "@other.test").toArray(String[]::new));
        List<TestMailServer.Seen> stored = mail.folder("Casey/Processed");
        for (int i = 0; i < 7; i++) {
            assertThat(sink.calls().get(i).raw()).isEqualTo(stored.get(i).raw());
        }
    }

    @Test
    void messagesTheServerWillNotReadTogetherAreReadOneByOneAndNoneIsLost() {
        IntStream.rangeClosed(1, 5).forEach(i -> mail.deliver("alone-" + i + "@other.test", "Alone " + i));
        RecordingSink sink = new RecordingSink("sink");
        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        AtomicInteger refusedBatches = new AtomicInteger();
        poller.batchReader = (connection, messages) -> {
            refusedBatches.incrementAndGet();
            throw new jakarta.mail.MessagingException("simulated: BAD [SERVERBUG] UID FETCH of a set");
        };
        List<Boolean> readAhead = readAheads(poller);
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 5);
        assertThat(refusedBatches).as("one refused batch for all five").hasValue(1);
        assertThat(readAhead).as("each then read on its own").containsExactly(false, false, false, false, false);
        assertThat(sink.messageIds()).containsExactly(IntStream.rangeClosed(1, 5)
                .mapToObj(i -> "alone-" + i + "@other.test").toArray(String[]::new));
        assertThat(poller.stats().failures()).as("a refused batch is no failure of a message").isZero();
        assertThat(mail.messageIds("Casey/Quarantine")).isEmpty();
    }

    @Test
    void quarantinedMessageGoesToQuarantineAndTheNextOneIsStillProcessed() {
        mail.deliver("broken-1@other.test", "Cannot be parsed");
        mail.deliver("good-1@other.test", "Fine");
        mail.deliver("dup-1@other.test", "Seen before");
        RecordingSink sink = new RecordingSink("sink").answering(id -> id.startsWith("broken") ? Outcome.QUARANTINE
                : id.startsWith("dup") ? Outcome.DUPLICATE : Outcome.PROCESSED);

        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 2);
        assertThat(sink.messageIds()).containsExactly("broken-1@other.test", "good-1@other.test", "dup-1@other.test");
        List<TestMailServer.Seen> quarantine = mail.folder("Casey/Quarantine");
        assertThat(quarantine).extracting(TestMailServer.Seen::messageId).containsExactly("broken-1@other.test");
        assertThat(quarantine.get(0).userFlags()).containsExactly(MailboxPoller.QUARANTINED_KEYWORD);
        assertThat(mail.messageIds("Casey/Processed")).containsExactly("good-1@other.test", "dup-1@other.test");
        assertThat(mail.messageIds("INBOX")).isEmpty();
        MailboxPoller.Stats stats = poller.stats();
        assertThat(stats.processed()).isEqualTo(1);
        assertThat(stats.duplicates()).isEqualTo(1);
        assertThat(stats.quarantined()).isEqualTo(1);
        assertThat(stats.failures()).isZero();
    }

    @Test
    void aMessageLargerThanTheSinkTakesIsQuarantinedUnreadByItsHeaderAndReadWhenMovedBackOnceItFits() {
        mail.deliver(TestMailServer.rawMessage("huge-1@other.test", "A huge log", "log line\r\n".repeat(20_000)));
        mail.deliver("small-1@other.test", "Small");
        RecordingSink sink = new RecordingSink("sink");
        sink.largest = 100_000;
        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        List<Boolean> readAhead = readAheads(poller);
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 1);
        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Quarantine").size() == 1);
        assertThat(sink.messageIds()).as("the huge one is never handed over").containsExactly("small-1@other.test");
        assertThat(readAhead).as("nor read").hasSize(1);
        assertThat(sink.tooLarge).hasSize(1);
        assertThat(sink.tooLarge.get(0).getKey()).contains("Subject: A huge log\r\n", "Message-ID: <huge-1@other.test>")
                .doesNotContain("log line");
        assertThat(sink.tooLarge.get(0).getValue()).isGreaterThan(200_000L);
        TestMailServer.Seen quarantined = mail.folder("Casey/Quarantine").get(0);
        assertThat(quarantined.messageId()).isEqualTo("huge-1@other.test");
        assertThat(quarantined.userFlags()).as("no keyword: moved back, it is read").isEmpty();
        assertThat(poller.stats().quarantined()).isEqualTo(1);

        sink.largest = Long.MAX_VALUE;
        mail.moveToInbox("Casey/Quarantine");
        poller.wake();
        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 2);
        assertThat(sink.messageIds()).containsExactly("small-1@other.test", "huge-1@other.test");
        assertThat(sink.tooLarge).hasSize(1);
    }

    @Test
    void temporaryFailureLeavesTheMessageInTheInboxAndItIsProcessedLaterExactlyOnce() {
        mail.deliver("first@other.test", "First");
        mail.deliver("second@other.test", "Second");
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<List<TestMailServer.Seen>> inboxDuringRetry = new AtomicReference<>();
        RecordingSink sink = new RecordingSink("sink").answering(id -> {
            int call = calls.incrementAndGet();
            if (call == 2) {
                inboxDuringRetry.set(mail.folder("INBOX")); // what a mail client sees after the first failure
            }
            if (call <= 2) {
                throw new IllegalStateException("database down (simulated)");
            }
            return Outcome.PROCESSED;
        });

        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        List<Integer> readAhead = new CopyOnWriteArrayList<>();
        poller.readAheadObserver = readAhead::add;
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 2);
        assertThat(readAhead).as("after a blocked cycle only the blocking message is read again, until it goes through")
                .containsExactly(2, 1, 1, 1);
        assertThat(sink.messageIds()).as("never skipped ahead of the failing message")
                .containsExactly("first@other.test", "first@other.test", "first@other.test", "second@other.test");
        assertThat(sink.answeredIds()).containsExactly("first@other.test", "second@other.test");
        assertThat(inboxDuringRetry.get()).extracting(TestMailServer.Seen::messageId)
                .containsExactly("first@other.test", "second@other.test");
        assertThat(inboxDuringRetry.get()).allSatisfy(seen -> {
            assertThat(seen.userFlags()).as("untouched").isEmpty();
            assertThat(seen.seen()).as("untouched").isFalse();
            assertThat(seen.deleted()).isFalse();
        });
        assertThat(mail.messageIds("Casey/Processed")).containsExactly("first@other.test", "second@other.test");
        assertThat(mail.messageIds("INBOX")).isEmpty();
        MailboxPoller.Stats stats = poller.stats();
        assertThat(stats.processed()).isEqualTo(2);
        assertThat(stats.failures()).isEqualTo(2);
        assertThat(warnings()).as("the same failure is logged once").hasSize(1);
        assertThat(warnings().get(0)).contains("database down (simulated)");
    }

    /** A mail the sink fails on for good every time (a StackOverflowError), and one behind it that goes through. */
    private RecordingSink poisonAndAfterIt() {
        mail.deliver("poison@other.test", "Overflows the stack");
        mail.deliver("after@other.test", "Behind it");
        RecordingSink sink = new RecordingSink("sink").answering(id -> {
            if (id.startsWith("poison")) {
                throw new StackOverflowError();
            }
            return Outcome.PROCESSED;
        });
        sink.temporary = failure -> !(failure instanceof StackOverflowError);
        return sink;
    }

    @Test
    void aMessageTheSinkFailsOnForGoodGoesToQuarantineAfterFiveTriesAndTheOnesBehindItAreProcessed() {
        RecordingSink sink = poisonAndAfterIt();

        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 1);
        assertThat(sink.messageIds()).containsExactly("poison@other.test", "poison@other.test", "poison@other.test",
                "poison@other.test", "poison@other.test", "after@other.test");
        List<TestMailServer.Seen> quarantine = mail.folder("Casey/Quarantine");
        assertThat(quarantine).extracting(TestMailServer.Seen::messageId).containsExactly("poison@other.test");
        assertThat(quarantine.get(0).userFlags()).containsExactly(MailboxPoller.QUARANTINED_KEYWORD);
        assertThat(mail.messageIds("Casey/Processed")).containsExactly("after@other.test");
        assertThat(mail.messageIds("INBOX")).isEmpty();
        assertThat(poller.stats().quarantined()).isEqualTo(1);
        assertThat(poller.stats().failures()).isEqualTo(MailboxPoller.MAX_SINK_FAILURES);
        assertThat(sink.quarantined).as("recorded by its header, to be listed with the others").hasSize(1);
        assertThat(sink.quarantined.get(0).getKey()).contains("Message-ID: <poison@other.test>")
                .endsWith("\r\n\r\n").doesNotContain("Hello, this is");
        assertThat(sink.quarantined.get(0).getValue()).isEqualTo("could not be handled 5 times in a row "
                + "(StackOverflowError)");
    }

    @Test
    void aMessageGoingToQuarantineThatCannotEvenBeRecordedIsMovedAllTheSame() {
        RecordingSink sink = poisonAndAfterIt();
        sink.quarantinedFailure = new StackOverflowError();

        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 1);
        assertThat(mail.messageIds("Casey/Quarantine")).containsExactly("poison@other.test");
        assertThat(warnings()).anySatisfy(warning -> assertThat(warning).contains("could not be recorded"));
    }

    @Test
    void failuresOfTheMomentNeverQuarantineAMessageHoweverMany() {
        mail.deliver("waiting@other.test", "Waits for the database");
        AtomicInteger calls = new AtomicInteger();
        RecordingSink sink = new RecordingSink("sink").answering(id -> {
            int call = calls.incrementAndGet();
            if (call == 3) {
                throw new StackOverflowError(); // one that is not of the moment, between them: the count starts again
            }
            if (call <= MailboxPoller.MAX_SINK_FAILURES + 3) {
                throw new IllegalStateException("database down (simulated)");
            }
            return Outcome.PROCESSED;
        });
        sink.temporary = failure -> failure.getMessage() != null && failure.getMessage().contains("database down");

        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 1);
        assertThat(sink.messageIds()).hasSize(MailboxPoller.MAX_SINK_FAILURES + 4);
        assertThat(mail.messageIds("Casey/Quarantine")).isEmpty();
        assertThat(poller.stats().quarantined()).isZero();
    }

    @Test
    void aBurstIsFiledInBatchesAndEveryMessageOnce() {
        int burst = 12; // two batches of five filed on the way, two messages at the end
        for (int i = 0; i < burst; i++) {
            mail.deliver("burst-" + i + "@other.test", "Burst " + i);
        }
        AtomicReference<List<String>> processedDuringTheEighth = new AtomicReference<>();
        RecordingSink sink = new RecordingSink("sink").answering(id -> {
            if (id.equals("burst-7@other.test")) {
                processedDuringTheEighth.set(mail.messageIds("Casey/Processed"));
            }
            return Outcome.PROCESSED;
        });
        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        poller.filingBatch = 5;
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == burst);
        assertThat(mail.messageIds("INBOX")).isEmpty();
        assertThat(sink.messageIds()).hasSize(burst).doesNotHaveDuplicates();
        assertThat(mail.folder("Casey/Processed")).allSatisfy(seen ->
                assertThat(seen.userFlags()).containsExactly(MailboxPoller.PROCESSED_KEYWORD));
        assertThat(poller.stats().processed()).isEqualTo(burst);
        // filed five at a time: neither each mail at once nor all of them only at the end
        assertThat(processedDuringTheEighth.get())
                .containsExactly("burst-0@other.test", "burst-1@other.test", "burst-2@other.test",
                        "burst-3@other.test", "burst-4@other.test");
    }

    @Test
    void messagesHandledBeforeAFailureAreFiledBeforeTheRetry() {
        mail.deliver("handled@other.test", "Handled");
        mail.deliver("failing@other.test", "Failing once");
        AtomicInteger failingCalls = new AtomicInteger();
        AtomicReference<List<String>> inboxAtRetry = new AtomicReference<>();
        RecordingSink sink = new RecordingSink("sink").answering(id -> {
            if (id.startsWith("failing")) {
                if (failingCalls.incrementAndGet() == 1) {
                    throw new IllegalStateException("database down (simulated)");
                }
                inboxAtRetry.set(mail.messageIds("INBOX"));
            }
            return Outcome.PROCESSED;
        });
        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 2);
        assertThat(inboxAtRetry.get()).containsExactly("failing@other.test");
        assertThat(sink.answeredIds()).containsExactly("handled@other.test", "failing@other.test");
    }

    @Test
    void idleHandsNewMailToTheSinkWithinTwoSeconds() {
        assertThat(mail.hasCapability("IDLE")).as("GreenMail has IMAP IDLE").isTrue();
        RecordingSink sink = new RecordingSink("sink");
        MailboxPoller poller = poller(() -> Optional.of(mail.settings(SLOW)), sink, "instance");
        poller.start();
        await().atMost(WAIT).until(() -> poller.stats().idling());

        List<Long> latencies = new ArrayList<>();
        List<Long> afterDelivery = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            sleep(300); // well inside IDLE
            assertThat(poller.stats().idling()).isTrue();
            long sending = System.nanoTime();
            mail.deliver("idle-" + i + "@other.test", "Idle " + i);
            long delivered = System.nanoTime();
            int expected = i;
            await().atMost(Duration.ofSeconds(5)).until(() -> sink.calls().size() == expected);
            long handed = sink.calls().get(i - 1).nanoTime();
            latencies.add((handed - sending) / 1_000_000);
            afterDelivery.add((handed - delivered) / 1_000_000);
            await().atMost(WAIT).until(() -> poller.stats().idling());
        }
        System.out.println("IMAP IDLE pickup latency, ms: from SMTP connect " + latencies
                + ", from SMTP delivery done " + afterDelivery);
        assertThat(latencies).allSatisfy(ms -> assertThat(ms).isLessThan(2000));
        assertThat(mail.messageIds("Casey/Processed")).hasSize(3);
    }

    @Test
    void movedMessagesPilingUpInTheClientMakeItOpenTheInboxAgainAndIdleStillWorks() {
        ListAppender<ILoggingEvent> connectionLog = new ListAppender<>();
        connectionLog.start();
        Logger connectionLogger = (Logger) LoggerFactory.getLogger(ImapConnection.class);
        Level before = connectionLogger.getLevel();
        connectionLogger.setLevel(Level.DEBUG);
        connectionLogger.addAppender(connectionLog);
        try {
            RecordingSink sink = new RecordingSink("sink");
            MailboxPoller poller = poller(() -> Optional.of(mail.settings(SLOW)), sink, "instance");
            poller.maxMovedInCache = 2;
            poller.start();
            await().atMost(WAIT).until(() -> poller.stats().idling());
            for (int i = 1; i <= 4; i++) {
                mail.deliver("piled-" + i + "@other.test", "Piled " + i);
                int expected = i;
                // SLOW: only IDLE explains a pickup within the wait, also after the inbox was opened again
                await().atMost(WAIT).until(() -> sink.calls().size() == expected && poller.stats().idling());
            }
            assertThat(sink.messageIds()).containsExactly("piled-1@other.test", "piled-2@other.test",
                    "piled-3@other.test", "piled-4@other.test");
            assertThat(mail.messageIds("Casey/Processed")).hasSize(4);
            assertThat(connectionLog.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line -> assertThat(line).startsWith("Opening INBOX again to let go of 3 moved"));
            assertThat(poller.stats().failures()).isZero();
        } finally {
            connectionLogger.detachAppender(connectionLog);
            connectionLogger.setLevel(before);
        }
    }

    @Test
    void idleIsLeftAfterTheSyncIntervalToCheckAgain() {
        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), new RecordingSink("sink"), "instance");
        poller.start();
        await().atMost(WAIT).until(() -> poller.stats().idling());
        java.time.Instant first = poller.stats().lastSuccessfulCycle();

        await().atMost(Duration.ofSeconds(3)).until(() -> poller.stats().lastSuccessfulCycle().isAfter(first));
        await().atMost(WAIT).until(() -> poller.stats().idling());
        assertThat(poller.stats().failures()).isZero();
    }

    @Test
    void leaderWhoseDatabaseSessionDiesTakesTheLeadershipAgain() throws Exception {
        RecordingSink sink = new RecordingSink("sink");
        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        poller.start();
        await().atMost(WAIT).until(() -> poller.stats().idling());
        int holder = TestDatabase.leaderSession().orElseThrow();
        sleep(1200); // two cycles, each checking the lock
        assertThat(TestDatabase.leaderSession()).as("the same session keeps the lock").contains(holder);

        TestDatabase.terminate(holder); // as when the database restarts, or a network cut
        await().atMost(Duration.ofSeconds(3))
                .until(() -> TestDatabase.leaderSession().filter(pid -> pid != holder).isPresent());
        assertThat(poller.stats().leader()).isTrue();

        mail.deliver("after-cut@other.test", "After the cut");
        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 1);
        assertThat(sink.messageIds()).containsExactly("after-cut@other.test");
    }

    @Test
    void twoInstancesOnOneDatabaseOnlyTheLeaderWorksAndTheOtherTakesOver() throws Exception {
        List<Call> calls = new CopyOnWriteArrayList<>();
        Supplier<Optional<MailboxSettings>> settings = () -> Optional.of(mail.settings(FAST));
        MailboxPoller first = poller(settings, new RecordingSink("first", calls), "first");
        MailboxPoller second = poller(settings, new RecordingSink("second", calls), "second");
        first.start();
        await().atMost(WAIT).until(() -> first.stats().leader());
        second.start();
        sleep(1500); // three cycles of the second one
        assertThat(second.stats().leader()).isFalse();
        assertThat(second.stats().connected()).as("a standby does not even connect").isFalse();

        IntStream.rangeClosed(1, 5).forEach(i -> mail.deliver("batch1-" + i + "@other.test", "Batch 1, " + i));
        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 5);
        sleep(1000);
        assertThat(calls).extracting(Call::messageId).containsExactly(
                "batch1-1@other.test", "batch1-2@other.test", "batch1-3@other.test", "batch1-4@other.test",
                "batch1-5@other.test");
        assertThat(calls).extracting(Call::sink).containsOnly("first");

        long stopping = System.nanoTime();
        first.stop();
        System.out.println("Leader stopped in " + (System.nanoTime() - stopping) / 1_000_000 + " ms");
        await().atMost(Duration.ofSeconds(3)).until(() -> second.stats().leader());
        System.out.println("Standby took over after " + (System.nanoTime() - stopping) / 1_000_000 + " ms");
        assertThat(first.stats().leader()).isFalse();

        IntStream.rangeClosed(1, 3).forEach(i -> mail.deliver("batch2-" + i + "@other.test", "Batch 2, " + i));
        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 8);
        sleep(1000);
        assertThat(calls).hasSize(8);
        assertThat(calls).extracting(Call::messageId).doesNotHaveDuplicates();
        assertThat(calls.subList(5, 8)).extracting(Call::sink).containsOnly("second");
        assertThat(first.stats().processed() + second.stats().processed()).isEqualTo(8);
        assertThat(mail.messageIds("INBOX")).isEmpty();
    }

    @Test
    void serverDownAtStartIsRetriedAndMailIsProcessedOnceItIsUp() {
        TestMailServer later = server(TestMailServer.notStarted());
        RecordingSink sink = new RecordingSink("sink");
        MailboxPoller poller = poller(() -> Optional.of(later.settings(FAST)), sink, "instance");
        poller.start();

        await().atMost(WAIT).until(() -> poller.stats().failures() >= 4);
        assertThat(poller.isRunning()).isTrue();
        assertThat(poller.stats().connected()).isFalse();
        assertThat(poller.stats().leader()).isTrue();
        assertThat(sink.calls()).isEmpty();
        assertThat(warnings()).as("one warning for the same problem, however often retried").hasSize(1);
        assertThat(warnings().get(0)).contains("is unavailable", Integer.toString(later.imapPort()));

        later.start();
        later.deliver("late-1@other.test", "After the outage");
        await().atMost(WAIT).until(() -> later.messageIds("Casey/Processed").size() == 1);
        assertThat(sink.messageIds()).containsExactly("late-1@other.test");
        assertThat(poller.stats().connected()).isTrue();
        assertThat(infos()).anySatisfy(line -> assertThat(line).contains("works again"));
    }

    @Test
    void withoutSettingsNothingHappensUntilTheyAppear() {
        mail.deliver("waiting@other.test", "Waiting");
        AtomicReference<Optional<MailboxSettings>> settings = new AtomicReference<>(Optional.empty());
        RecordingSink sink = new RecordingSink("sink");
        MailboxPoller poller = poller(settings::get, sink, "instance");
        poller.start();

        sleep(1500);
        assertThat(poller.isRunning()).isTrue();
        assertThat(sink.calls()).isEmpty();
        MailboxPoller.Stats stats = poller.stats();
        assertThat(stats.failures()).isZero();
        assertThat(stats.leader()).as("no leadership taken for nothing").isFalse();
        assertThat(stats.connected()).isFalse();
        assertThat(stats.lastSuccessfulCycle()).isNull();
        assertThat(mail.messageIds("INBOX")).containsExactly("waiting@other.test");
        assertThat(mail.messageIds("Casey/Processed")).as("not even the folders created").isEmpty();
        assertThat(warnings()).isEmpty();

        settings.set(Optional.of(mail.settings(FAST).withEnabled(false)));
        poller.wake();
        sleep(500);
        assertThat(sink.calls()).as("disabled settings: nothing either").isEmpty();

        settings.set(Optional.of(mail.settings(FAST)));
        poller.wake();
        await().atMost(Duration.ofSeconds(3)).until(() -> mail.messageIds("Casey/Processed").size() == 1);
        assertThat(sink.messageIds()).containsExactly("waiting@other.test");
    }

    @Test
    void stopReturnsPromptlyDuringIdleAndReleasesTheLeadership() throws Exception {
        MailboxPoller poller = poller(() -> Optional.of(mail.settings(SLOW)), new RecordingSink("sink"), "instance");
        poller.start();
        await().atMost(WAIT).until(() -> poller.stats().idling());
        assertThat(TestDatabase.leadershipFree()).isFalse();

        long start = System.nanoTime();
        poller.stop();
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        System.out.println("stop() during IDLE took " + tookMs + " ms");

        assertThat(tookMs).isLessThan(5000);
        assertThat(poller.isRunning()).isFalse();
        assertThat(poller.stats().idling()).isFalse();
        assertThat(poller.stats().leader()).isFalse();
        assertThat(TestDatabase.leadershipFree()).as("lock given back although the pool keeps the session").isTrue();
        await().atMost(Duration.ofSeconds(2)).untilAsserted(
                () -> assertThat(threads("casey-imap-")).as("no thread left behind").isEmpty());
    }

    @Test
    void messageTheServerCannotDeliverIsQuarantinedAfterFiveFailuresAndTheNextOneFollows() {
        mail.deliver("unreadable@other.test", "Server cannot read this one");
        mail.deliver("readable@other.test", "Fine");
        RecordingSink sink = new RecordingSink("sink");
        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        AtomicInteger reads = serverCannotRead(poller, "unreadable");
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 1);
        assertThat(reads).hasValue(MailboxPoller.MAX_FETCH_FAILURES);
        List<TestMailServer.Seen> quarantine = mail.folder("Casey/Quarantine");
        assertThat(quarantine).extracting(TestMailServer.Seen::messageId).containsExactly("unreadable@other.test");
        assertThat(quarantine.get(0).userFlags()).containsExactly(MailboxPoller.QUARANTINED_KEYWORD);
        assertThat(sink.messageIds()).as("nothing handed over before the unreadable one was out of the way")
                .containsExactly("readable@other.test");
        assertThat(mail.messageIds("INBOX")).isEmpty();
        assertThat(poller.stats().quarantined()).isEqualTo(1);
        assertThat(poller.stats().failures()).isEqualTo(MailboxPoller.MAX_FETCH_FAILURES);
        assertThat(warnings()).hasSize(2);
        assertThat(warnings().get(0)).contains("Cannot read a message", "SERVERBUG");
        assertThat(warnings().get(1)).contains("could not be read 5 times", "Casey.Quarantine");
        assertThat(sink.quarantined).hasSize(1);
        assertThat(sink.quarantined.get(0).getKey()).contains("Message-ID: <unreadable@other.test>");
        assertThat(sink.quarantined.get(0).getValue()).startsWith("could not be read from the mailbox 5 times in a row")
                .contains("SERVERBUG");
    }

    /**
     * A message going to quarantine unread whose record fails for a reason of the moment (the database away) stays in
     * the inbox, not read again, until it can be recorded: nothing lies in the quarantine folder without a record.
     */
    @Test
    void messageDueForQuarantineWhoseRecordFailsForNowWaitsForItsRecord() {
        mail.deliver("unreadable@other.test", "Server cannot read this one");
        mail.deliver("readable@other.test", "Fine");
        RecordingSink sink = new RecordingSink("sink");
        sink.quarantinedRefusals.set(2);
        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        AtomicInteger reads = serverCannotRead(poller, "unreadable");
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 1);
        assertThat(sink.quarantinedRefusals).hasValue(0);
        assertThat(reads).as("not read again while it waited").hasValue(MailboxPoller.MAX_FETCH_FAILURES);
        assertThat(mail.messageIds("Casey/Quarantine")).containsExactly("unreadable@other.test");
        assertThat(sink.quarantined).hasSize(1);
        assertThat(sink.messageIds()).containsExactly("readable@other.test");
    }

    /**
     * A message whose reading drops the connection (a server process that dies on a damaged message): the fifth time
     * the connection is gone, so the message cannot be moved then; it is moved after reconnecting, before it is read
     * again, and the inbox goes on.
     */
    @Test
    void messageWhoseReadingDropsTheConnectionIsQuarantinedAfterFiveFailuresAndTheNextOneFollows() {
        mail.deliver("dropping@other.test", "Reading this one drops the connection");
        mail.deliver("readable@other.test", "Fine");
        RecordingSink sink = new RecordingSink("sink");
        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        AtomicInteger reads = new AtomicInteger();
        MailboxPoller.RawReader server = poller.rawReader;
        poller.rawReader = (message, prefetched) -> {
            byte[] raw = server.read(message, prefetched);
            if (RecordingSink.messageId(raw).startsWith("dropping")) {
                reads.incrementAndGet();
                throw droppedConnection(message.getFolder());
            }
            return raw;
        };
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 1);
        assertThat(reads).hasValue(MailboxPoller.MAX_FETCH_FAILURES);
        assertThat(sink.messageIds()).containsExactly("readable@other.test");
        assertDroppingOneQuarantinedAndRecorded(sink);
    }

    /**
     * The same message read ahead with others: every batch it is in drops the connection, which is no one message's
     * failure. The messages are then read one at a time, so that the failures become its own, and it goes to
     * quarantine after five of them; the messages before and after it are handed over.
     */
    @Test
    void messageThatDropsTheConnectionInEveryBatchItIsInIsQuarantinedAfterFiveReadsOfItsOwn() {
        mail.deliver("before@other.test", "Fine");
        mail.deliver("dropping@other.test", "Reading this one drops the connection");
        mail.deliver("after@other.test", "Fine too");
        RecordingSink sink = new RecordingSink("sink");
        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        AtomicInteger droppedAlone = new AtomicInteger();
        MailboxPoller.BatchReader server = poller.batchReader;
        poller.batchReader = (connection, messages) -> {
            Map<Long, byte[]> raw = server.read(connection, messages);
            if (raw.values().stream().anyMatch(r -> RecordingSink.messageId(r).startsWith("dropping"))) {
                if (messages.size() == 1) {
                    droppedAlone.incrementAndGet();
                }
                throw droppedConnection(messages.get(0).getFolder());
            }
            return raw;
        };
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 2);
        assertThat(droppedAlone).hasValue(MailboxPoller.MAX_FETCH_FAILURES);
        assertThat(sink.messageIds()).contains("before@other.test", "after@other.test")
                .doesNotContain("dropping@other.test");
        assertDroppingOneQuarantinedAndRecorded(sink);
    }

    /** Has the server refuse every read of the messages whose Message-ID starts so; counts the reads refused. */
    private static AtomicInteger serverCannotRead(MailboxPoller poller, String messageIdStart) {
        AtomicInteger reads = new AtomicInteger();
        MailboxPoller.RawReader server = poller.rawReader;
        poller.rawReader = (message, prefetched) -> {
            byte[] raw = server.read(message, prefetched);
            if (RecordingSink.messageId(raw).startsWith(messageIdStart)) {
                reads.incrementAndGet();
                throw new jakarta.mail.MessagingException("simulated: NO [SERVERBUG] cannot fetch this message");
            }
            return raw;
        };
        return reads;
    }

    /** What a server that dies on reading a message answers: the connection is gone. */
    private static jakarta.mail.FolderClosedException droppedConnection(jakarta.mail.Folder folder)
            throws jakarta.mail.MessagingException {
        folder.close(false);
        return new jakarta.mail.FolderClosedException(folder, "simulated: BYE the server dropped the connection");
    }

    private void assertDroppingOneQuarantinedAndRecorded(RecordingSink sink) {
        assertThat(mail.folder("Casey/Quarantine")).extracting(TestMailServer.Seen::messageId)
                .containsExactly("dropping@other.test");
        assertThat(sink.quarantined).hasSize(1);
        assertThat(sink.quarantined.get(0).getValue()).startsWith("could not be read from the mailbox 5 times in a row")
                .contains("dropped the connection");
    }

    @Test
    void messageAlreadyMarkedProcessedIsHandedOverAgainForTheSinkToTellWhetherItKnowsIt() {
        mail.deliver("half-done@other.test", "Moved before the crash? No.");
        mail.deliver("restored@other.test", "Taken in after the backup the store was restored from");
        mail.flagInbox(MailboxPoller.PROCESSED_KEYWORD);
        mail.deliver("new@other.test", "New");
        RecordingSink sink = new RecordingSink("sink")
                .answering(id -> id.startsWith("half-done") ? Outcome.DUPLICATE : Outcome.PROCESSED);
        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 3);
        assertThat(sink.messageIds()).containsExactly("half-done@other.test", "restored@other.test", "new@other.test");
        assertThat(mail.messageIds("INBOX")).isEmpty();
        assertThat(poller.stats().duplicates()).isEqualTo(1);
    }

    @Test
    void messageMarkedQuarantinedGoesBackToQuarantineWithoutAskingTheSink() {
        mail.deliver("refused@other.test", "Moved back to the inbox with its keyword");
        mail.flagInbox(MailboxPoller.QUARANTINED_KEYWORD);
        mail.deliver("new@other.test", "New");
        RecordingSink sink = new RecordingSink("sink");
        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Processed").size() == 1);
        assertThat(sink.messageIds()).containsExactly("new@other.test");
        assertThat(mail.messageIds("Casey/Quarantine")).containsExactly("refused@other.test");
    }

    @Test
    void withoutMoveItCopiesDeletesAndExpungesOnlyThatMessage() {
        mail.deliver("copied@other.test", "Copied");
        mail.deliver("refused@other.test", "Refused");
        RecordingSink sink = new RecordingSink("sink")
                .answering(id -> id.startsWith("refused") ? Outcome.QUARANTINE : Outcome.PROCESSED);
        MailboxPoller poller = poller(() -> Optional.of(mail.settings(FAST)), sink, "instance");
        poller.preferMove = false;
        poller.start();

        await().atMost(WAIT).until(() -> mail.messageIds("Casey/Quarantine").size() == 1);
        assertThat(mail.messageIds("Casey/Processed")).containsExactly("copied@other.test");
        assertThat(mail.folder("Casey/Processed").get(0).deleted()).isFalse();
        assertThat(mail.messageIds("INBOX")).isEmpty();
        assertThat(sink.messageIds()).containsExactly("copied@other.test", "refused@other.test");
    }

    @Test
    void settingsThatChangeAtRuntimeAreFollowed() {
        TestMailServer other = server(TestMailServer.started());
        AtomicReference<MailboxSettings> settings = new AtomicReference<>(mail.settings(FAST));
        RecordingSink sink = new RecordingSink("sink");
        MailboxPoller poller = poller(() -> Optional.of(settings.get()), sink, "instance");
        poller.start();
        mail.deliver("on-first@other.test", "First server");
        await().atMost(WAIT).until(() -> sink.calls().size() == 1);

        settings.set(other.settings(FAST));
        other.deliver("on-second@other.test", "Second server");
        await().atMost(WAIT).until(() -> other.messageIds("Casey/Processed").size() == 1);
        assertThat(sink.messageIds()).containsExactly("on-first@other.test", "on-second@other.test");
        assertThat(poller.stats().failures()).isZero();
    }

    private MailboxPoller poller(Supplier<Optional<MailboxSettings>> settings, InboundSink sink, String instance) {
        HikariDataSource pool = TestDatabase.newPool(instance);
        pools.add(pool);
        MailboxPoller poller = new MailboxPoller(settings, sink, pool);
        pollers.add(poller);
        return poller;
    }

    private TestMailServer server(TestMailServer server) {
        servers.add(server);
        return server;
    }

    private List<String> warnings() {
        return logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    private List<String> infos() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.INFO).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    private static List<String> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith(prefix)).toList();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
