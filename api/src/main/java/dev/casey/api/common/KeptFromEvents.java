package dev.casey.api.common;

import java.util.List;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * Tables a module keeps from the events besides the read models (the mail gateway's directory of cases,
 * participants, messages and team): the read-model rebuild puts them right too, under its lock and while the
 * service goes on.
 */
public interface KeptFromEvents {

    /** What the rebuild's answer and log call it. */
    String name();

    /**
     * Compares what is kept for these cases (and for the persons, all of them) with what their recorded events say and
     * corrects what differs (and drops what belongs to no recorded case); the number of rows it corrected, added or
     * dropped. compared hears, as the comparison goes on, how many more of the cases it has compared (the rebuild's
     * progress).
     */
    long repair(List<UUID> caseIds, LongConsumer compared);
}
