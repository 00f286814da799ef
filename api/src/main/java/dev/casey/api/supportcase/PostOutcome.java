package dev.casey.api.supportcase;

/** What became of a {@link PostMessageCommand}: posted (also when it had been posted before) or refused and kept. */
public enum PostOutcome {
    POSTED, REFUSED
}
