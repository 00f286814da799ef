package dev.casey.command;

/** The event processing groups of the write side. */
public final class ProcessingGroups {

    /** Keeps the person directory in step with person events, in the transaction of the command. */
    public static final String PERSON_DIRECTORY = "person-directory";

    private ProcessingGroups() {
    }
}
