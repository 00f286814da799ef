package dev.casey.mailgateway.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Records every call, and answers by a rule ({@code PROCESSED} by default). */
final class RecordingSink implements InboundSink {

    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*<([^>]+)>");

    /** One call: who was called, with what, when, and the answer (null = threw). */
    record Call(String sink, String messageId, byte[] raw, long nanoTime, Outcome outcome) {
    }

    private final String name;
    private final List<Call> calls;
    private volatile Function<String, Outcome> rule = id -> Outcome.PROCESSED;
    /** What {@link #temporary} answers: every failure is one of the moment unless told otherwise. */
    volatile Predicate<Throwable> temporary = failure -> true;
    /** What {@link #largestMessage()} answers. */
    volatile long largest = Long.MAX_VALUE;
    /** The headers and sizes {@link #tooLarge} was given. */
    final List<Map.Entry<String, Long>> tooLarge = new CopyOnWriteArrayList<>();
    /** The headers and reasons {@link #quarantined} was given. */
    final List<Map.Entry<String, String>> quarantined = new CopyOnWriteArrayList<>();
    /** What {@link #quarantined} throws, if anything. */
    volatile Error quarantinedFailure;
    /** How many more calls of {@link #quarantined} fail as if the database were away. */
    final AtomicInteger quarantinedRefusals = new AtomicInteger();

    RecordingSink(String name) {
        this(name, new CopyOnWriteArrayList<>());
    }

    /** A sink sharing its record of calls with others (several instances). */
    RecordingSink(String name, List<Call> sharedCalls) {
        this.name = name;
        this.calls = sharedCalls;
    }

    /** How to answer for a Message-ID; may throw to simulate a temporary failure. */
    RecordingSink answering(Function<String, Outcome> newRule) {
        this.rule = newRule;
        return this;
    }

    @Override
    public Outcome accept(byte[] rawMessage) {
        long now = System.nanoTime();
        String id = messageId(rawMessage);
        Outcome outcome = null;
        try {
            outcome = rule.apply(id);
            return outcome;
        } finally {
            calls.add(new Call(name, id, rawMessage, now, outcome));
        }
    }

    @Override
    public boolean temporary(Throwable failure) {
        return temporary.test(failure);
    }

    @Override
    public long largestMessage() {
        return largest;
    }

    @Override
    public void tooLarge(byte[] header, long size) {
        tooLarge.add(Map.entry(new String(header, StandardCharsets.UTF_8), size));
    }

    @Override
    public void quarantined(byte[] header, long size, String why) {
        if (quarantinedFailure != null) {
            throw quarantinedFailure;
        }
        if (quarantinedRefusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("simulated: the database is away");
        }
        quarantined.add(Map.entry(new String(header, StandardCharsets.UTF_8), why));
    }

    List<Call> calls() {
        return new ArrayList<>(calls);
    }

    List<String> messageIds() {
        return calls().stream().map(Call::messageId).toList();
    }

    /** Message-IDs of the calls that ended with an answer, in order. */
    List<String> answeredIds() {
        return calls().stream().filter(c -> c.outcome() != null).map(Call::messageId).toList();
    }

    static String messageId(byte[] raw) {
        Matcher m = MESSAGE_ID.matcher(new String(raw, StandardCharsets.UTF_8));
        return m.find() ? m.group(1) : "(none)";
    }
}
