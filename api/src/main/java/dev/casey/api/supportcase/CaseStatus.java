package dev.casey.api.supportcase;

/** Where a case stands: pending (awaiting the creator's confirmation), open or closed. */
public enum CaseStatus {
    PENDING, OPEN, CLOSED
}
