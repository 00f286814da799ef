package dev.casey.mailgateway.imap;

/**
 * Takes one raw inbound message (the exact bytes stored on the IMAP server, headers and body) and
 * answers what became of it. The poller calls it on its own thread, one message at a time, in the
 * order the messages arrived.
 *
 * <p>A {@link RuntimeException} means "failure" (for example the database is down): the message stays in the
 * inbox untouched and is offered again on a later cycle, before any message that arrived after it. One that fails
 * {@value MailboxPoller#MAX_SINK_FAILURES} times in a row, never for a reason {@link #temporary} calls one of the
 * moment, is moved to the quarantine folder.
 */
@FunctionalInterface
public interface InboundSink {

    /**
     * Handles one message.
     *
     * @param rawMessage the whole message as stored on the server (RFC 5322 bytes)
     * @return the outcome, never {@code null} (a {@code null} answer is treated as a temporary failure)
     * @throws RuntimeException on a failure: the message is retried later
     */
    Outcome accept(byte[] rawMessage);

    /**
     * Whether a failure of {@link #accept} (an exception, or a StackOverflowError) is one of the moment, the database
     * away for example, after which the same message may well go through: such a failure never moves a message to
     * quarantine. By default every failure is taken for one of the moment.
     */
    default boolean temporary(Throwable failure) {
        return true;
    }

    /**
     * The largest message the sink takes, in bytes: a larger one is not read (it could fill the heap), but offered
     * to {@link #tooLarge} by its header, and then moved to the quarantine folder.
     */
    default long largestMessage() {
        return Long.MAX_VALUE;
    }

    /**
     * Records a message larger than {@link #largestMessage()}, by its header (at most {@value #HEADER_BYTES} bytes) and
     * the size the server gives; it is left unread in the quarantine folder whatever the answer.
     *
     * @throws RuntimeException on a temporary failure: the message is offered again later
     */
    default void tooLarge(byte[] header, long size) {
    }

    /**
     * Records a message moved to the quarantine folder because it could not be read from the server, or handed over,
     * {@value MailboxPoller#MAX_FETCH_FAILURES} times in a row: by its header (at most {@value #HEADER_BYTES} bytes, none
     * when even that could not be read) and why, so that it can be found without looking into the mailbox.
     *
     * @throws RuntimeException when it could not be recorded: the message is moved all the same
     */
    default void quarantined(byte[] header, long size, String why) {
    }

    /** How much of a too large or quarantined message's header is read at most. */
    int HEADER_BYTES = 65536;

    /** What became of a message. */
    enum Outcome {
        /** Its command is committed: the message is marked and moved to the processed folder. */
        PROCESSED,
        /** It was seen (and committed) before: also done, handled like {@link #PROCESSED}. */
        DUPLICATE,
        /** It cannot be parsed or is refused for good: moved to the quarantine folder. */
        QUARANTINE
    }
}
