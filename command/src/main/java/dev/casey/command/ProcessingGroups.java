package dev.casey.command;

/** The event processing groups of the write side. */
public final class ProcessingGroups {

    /** Keeps the person directory in step with person events, in the transaction of the command. */
    public static final String PERSON_DIRECTORY = "person-directory";

    /** Follows a person's change of address into their cases, tracking the events with a stored token. */
    public static final String PARTICIPANT_ADDRESS = "participant-address";

    private ProcessingGroups() {
    }
}
