package dev.casey.api.supportcase;

/** What became of a {@link PostMessageCommand}: posted, posted before (the same message id again), or refused and kept. */
public enum PostOutcome {
    POSTED, REPEATED, REFUSED
}
