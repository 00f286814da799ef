package dev.casey.mailgateway.inbound;

/** The input is not an e-mail message at all, or is too large to be accepted as one. */
public class UnparseableMailException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the input was refused. */
    public enum Reason {
        /** No RFC 5322 header block at the start of the input. */
        NO_HEADER_BLOCK,
        /** A header block, but no originator field at all (From, Sender, Reply-To, Return-Path). */
        NO_ORIGINATOR,
        /** Larger than the configured maximum raw size. */
        TOO_LARGE
    }

    private final Reason reason;

    public UnparseableMailException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
