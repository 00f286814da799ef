package dev.casey.api.supportcase;

import java.time.Instant;

/**
 * One mail a message went out as, to one recipient, as the outbox has it: state {@code queued}, {@code sent},
 * {@code relayed} (handed to an external relay), {@code failed} or {@code bounced}; attempts so far; sentAt when the
 * server (or the relay) took it; error the last failure or bounce diagnostic.
 */
public record MailDelivery(String to, String kind, String state, int attempts, Instant queuedAt, Instant sentAt,
                           String error) {
}
