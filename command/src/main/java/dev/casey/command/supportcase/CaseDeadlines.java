package dev.casey.command.supportcase;

import java.time.Duration;
import java.time.Instant;

/**
 * The timers of a case. They are Axon deadlines, kept in PostgreSQL by the deadline manager, so they
 * survive restarts and fire on whichever instance is up.
 */
final class CaseDeadlines {

    /** A pending case expires when its confirmation code does. */
    static final String CONFIRMATION_EXPIRY = "confirmation-expiry";
    /** Is the case idle for longer than {@code caseCloseIdle}? */
    static final String IDLE_CHECK = "idle-check";
    /** Has anyone from the team answered since the last invitations? */
    static final String TEAM_REMINDER = "team-reminder";

    /**
     * Idle checks and team reminders look again at least this often, so that a shorter {@code caseCloseIdle} or
     * {@code teamInviteReminder} set at runtime applies to open cases within this time.
     */
    static final Duration RECHECK = Duration.ofHours(1);

    /**
     * An idle check for the case as (re)opened for the n-th time, due at {@code due}; checks of
     * earlier openings are stale.
     */
    record IdleCheck(int opening, Instant due) {
    }

    /**
     * A reminder for the n-th round of invitations, invited at {@code invitedAt}, due at {@code due}; reminders of
     * earlier rounds are stale. It looks at {@code teamInviteReminder} again when it fires, counting from
     * {@code invitedAt} (null in reminders scheduled before it was kept: the case's last invitation stands in).
     */
    record TeamReminder(int round, Instant due, Instant invitedAt) {
    }

    /**
     * The moment a deadline is handled: never before it was due, even when the clock says otherwise
     * (a test clock that does not move, a clock behind the one that scheduled it). Scheduling the
     * next timer from an earlier "now" would set it in the past, again and again.
     */
    static Instant handledAt(Instant clock, Instant due) {
        return clock.isBefore(due) ? due : clock;
    }

    private CaseDeadlines() {
    }
}
