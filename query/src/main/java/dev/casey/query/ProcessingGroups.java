package dev.casey.query;

/** The event processing groups of the read side. */
public final class ProcessingGroups {

    /** Cases, in the transaction of the command (read-your-writes). */
    public static final String CASE_VIEW = "case-view";
    /** Persons, in the transaction of the command (read-your-writes). */
    public static final String PERSON_VIEW = "person-view";

    private ProcessingGroups() {
    }
}
