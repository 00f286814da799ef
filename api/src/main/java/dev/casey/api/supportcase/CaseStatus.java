package dev.casey.api.supportcase;

/**
 * Where a case stands: pending (awaiting the creator's confirmation), open, closed, or expired (it
 * was never confirmed).
 */
public enum CaseStatus {
    PENDING, OPEN, CLOSED, EXPIRED
}
