package dev.casey.mailgateway;

/** The event processing groups of the mail gateway. */
public final class ProcessingGroups {

    /**
     * Follows case and person events and plans the mails they call for, in the transaction of the
     * command: the outbox row exists exactly when the event does.
     */
    public static final String MAIL = "mail-gateway";

    private ProcessingGroups() {
    }
}
