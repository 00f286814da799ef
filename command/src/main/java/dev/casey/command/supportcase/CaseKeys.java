package dev.casey.command.supportcase;

import java.util.UUID;

/** Issues the keys a case is known by besides its UUID. */
public interface CaseKeys {

    /** A new human reference (such as {@code K7QM-4XPD}), reserved for the case. */
    String newReference(UUID caseId);

    /** A new unguessable confirmation code, registered for the case. */
    String newConfirmationCode(UUID caseId);
}
