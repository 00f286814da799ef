package dev.casey.mailgateway.cases;

import dev.casey.api.common.EmailAddresses;
import dev.casey.api.common.KeptFromEvents;
import dev.casey.api.common.LostRaces;
import dev.casey.api.person.PersonRegisteredEvent;
import dev.casey.api.person.PersonRetiredFromTeamEvent;
import dev.casey.api.person.PersonUpdatedEvent;
import dev.casey.api.supportcase.CaseClosedEvent;
import dev.casey.api.supportcase.CaseConfirmedEvent;
import dev.casey.api.supportcase.CaseExpiredEvent;
import dev.casey.api.supportcase.CaseOpenedEvent;
import dev.casey.api.supportcase.CaseReopenedEvent;
import dev.casey.api.supportcase.CaseStatus;
import dev.casey.api.supportcase.MessagePostedEvent;
import dev.casey.api.supportcase.Participant;
import dev.casey.api.supportcase.ParticipantAddedEvent;
import dev.casey.api.supportcase.TeamInvitedEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Puts the mail gateway's directory ({@link MailDirectory}: cases, participants, messages, team) right from the
 * recorded events, as part of the read-model rebuild. It is written in the transaction of each event and was never
 * found wrong; this is how it gets repaired if it ever is, and how cases that reached the event store some other way
 * (a restored or copied store) become known to mail.
 *
 * <p>Each group of cases is compared in a REPEATABLE READ transaction: its events and its directory rows are one
 * snapshot (both are written in the same transaction), so the difference between them is exactly what is wrong, and
 * only those rows are written; a directory that is right is only read. A command that changes one of those rows
 * meanwhile makes PostgreSQL refuse the group's write (a serialization failure), and the group is compared again;
 * rows a command adds meanwhile are not in the snapshot and are left alone. What a command does to a row the group
 * is adding or dropping conflicts with nothing; the cases a pass changed are therefore compared once more ({@link
 * Pass}). The team (every person in the snapshot) is compared in a transaction of its own.
 */
@Component
public class MailDirectoryRepair implements KeptFromEvents {

    /** Cases compared per transaction. */
    public static final int CASES_PER_TRANSACTION = 100;
    /** How often a group is compared again after losing a race with a command. */
    static final int ATTEMPTS = 8;
    /** Passes over the cases a pass changed, the first one over all: see {@link Pass}. */
    static final int PASSES = 3;
    private static final Logger LOG = LoggerFactory.getLogger(MailDirectoryRepair.class);

    private final JdbcTemplate jdbc;
    private final EventStore events;
    private final TransactionTemplate snapshot;

    MailDirectoryRepair(JdbcTemplate jdbc, EventStore events, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.events = events;
        this.snapshot = new TransactionTemplate(transactions);
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    }

    @Override
    public String name() {
        return "mailDirectory";
    }

    @Override
    public long repair(List<UUID> caseIds, LongConsumer compared) {
        return repair(caseIds, CASES_PER_TRANSACTION, group -> { }, compared);
    }

    /**
     * A repair with casesPerTransaction cases per transaction; beforeWriting sees each group once its rows and events
     * are read and compared, before anything is written (tests use it to write to a case at that moment).
     */
    public long repair(List<UUID> caseIds, int casesPerTransaction, Consumer<List<UUID>> beforeWriting,
                       LongConsumer compared) {
        long started = System.nanoTime();
        long repaired = 0;
        // a pass that wrote is checked by another: see Pass
        boolean teamChanged = true;
        List<UUID> changed = caseIds;
        for (int pass = 1; pass <= PASSES && (teamChanged || !changed.isEmpty()); pass++) {
            long teamRows = teamChanged ? inSnapshot(() -> new Pass(repairTeam() + dropOrphans(), List.of())).rows() : 0;
            List<UUID> changedNow = new ArrayList<>();
            for (int from = 0; from < changed.size(); from += casesPerTransaction) {
                List<UUID> group = changed.subList(from, Math.min(from + casesPerTransaction, changed.size()));
                Pass cases = inSnapshot(() -> repairCases(group, beforeWriting));
                repaired += cases.rows();
                changedNow.addAll(cases.changed());
                if (pass == 1) { // the passes after it go over the few cases it changed
                    compared.accept(group.size());
                }
            }
            repaired += teamRows;
            teamChanged = teamRows > 0;
            changed = changedNow;
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (repaired > 0) {
            LOG.warn("Mail directory: {} rows differed from the events of {} cases and the team and were put right "
                    + "({} ms)", repaired, caseIds.size(), millis);
        } else {
            LOG.info("Mail directory: as the events of {} cases and the team say ({} ms)", caseIds.size(), millis);
        }
        return repaired;
    }

    /**
     * The team's part of the repair (its rows and the addresses its members gave up), if a migration left it due
     * ({@code mail_directory_repair_due}); the rows put right, or empty when it was not due. Several instances
     * starting at once do it once: the first to take the due row holds it until its repair commits, and the others,
     * refused or finding it gone, leave it; a repair that fails leaves it due for the next start.
     */
    public OptionalLong repairTeamIfDue() {
        return LostRaces.retried(ATTEMPTS, () -> snapshot.execute(tx -> {
            if (jdbc.update("DELETE FROM mail_directory_repair_due WHERE part = 'team'") == 0) {
                return OptionalLong.empty();
            }
            long started = System.nanoTime();
            long rows = repairTeam();
            LOG.info("Mail directory: the team put right from its events as the upgrade asked, {} rows ({} ms)", rows,
                    (System.nanoTime() - started) / 1_000_000);
            return OptionalLong.of(rows);
        }));
    }

    /** Whether {@link #repairTeamIfDue} has anything to do (no transaction of its own, nothing locked). */
    public boolean teamRepairDue() {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM mail_directory_repair_due WHERE part = 'team')", Boolean.class));
    }

    /**
     * What one transaction of a pass wrote: rows, and the cases it changed. A pass that changed a case is followed by
     * another over that case, because one race escapes the snapshot: a row the pass found missing and added, while a
     * command whose UPDATE of that row found nothing to update (no conflict) changed the case. The next pass sees the
     * command's events and the row as added; from then on the row exists, and a command changing it meanwhile
     * conflicts.
     */
    private record Pass(long rows, List<UUID> changed) {
    }

    private Pass inSnapshot(Supplier<Pass> work) {
        Pass pass = LostRaces.retried(ATTEMPTS, () -> snapshot.execute(tx -> work.get()));
        return pass == null ? new Pass(0, List.of()) : pass;
    }

    /** Rows of cases the event store does not know (put there by hand, say): one may hold a reference wanted below. */
    private long dropOrphans() {
        String orphan = " WHERE NOT EXISTS (SELECT 1 FROM domainevententry e"
                + " WHERE e.aggregateidentifier = %s.case_id::text AND e.sequencenumber = 0)";
        return jdbc.update("DELETE FROM mail_participant p" + orphan.formatted("p"))
                + jdbc.update("DELETE FROM mail_message m" + orphan.formatted("m"))
                + jdbc.update("DELETE FROM mail_case c" + orphan.formatted("c"));
    }

    /** A row of mail_team; wasTeam: in the team at any time, as MailDirectory#teamMember keeps it. */
    record TeamRow(String emailKey, String email, String name, boolean active, boolean wasTeam) {
        static TeamRow of(String email, String name, boolean active, TeamRow was) {
            return new TeamRow(EmailAddresses.key(email), email, asStored(name), active,
                    active || was != null && was.wasTeam());
        }
    }

    /** The team's rows against the events of every person in the snapshot (one registered meanwhile is in neither). */
    private long repairTeam() {
        List<UUID> personIds = jdbc.queryForList(
                "SELECT DISTINCT aggregateidentifier::uuid FROM domainevententry WHERE type = 'Person'", UUID.class);
        Map<UUID, TeamRow> kept = new HashMap<>();
        jdbc.query("SELECT person_id, email_key, email, name, active, was_team FROM mail_team", rs -> {
            kept.put(rs.getObject(1, UUID.class), new TeamRow(rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getBoolean(5), rs.getBoolean(6)));
        });
        Map<UUID, TeamRow> wanted = new LinkedHashMap<>();
        Map<UUID, Map<String, String>> formerWanted = new HashMap<>();
        for (UUID personId : personIds) {
            for (DomainEventMessage<?> event : recorded(personId)) {
                Object payload = event.getPayload();
                if (payload instanceof PersonRegisteredEvent e) {
                    wanted.put(personId, TeamRow.of(e.email(), e.name(), e.team(), null));
                } else if (payload instanceof PersonUpdatedEvent e) {
                    // as MailDirectory#teamMember: the address left behind is kept, one taken up again is not former
                    TeamRow was = wanted.get(personId);
                    Map<String, String> former = formerWanted.computeIfAbsent(personId, id -> new HashMap<>());
                    String key = EmailAddresses.key(e.email());
                    if (was != null && !was.emailKey().equals(key)) {
                        former.putIfAbsent(was.emailKey(), was.email());
                    }
                    former.remove(key);
                    wanted.put(personId, TeamRow.of(e.email(), e.name(), e.team(), was));
                } else if (payload instanceof PersonRetiredFromTeamEvent && wanted.containsKey(personId)) {
                    TeamRow was = wanted.get(personId);
                    wanted.put(personId, new TeamRow(was.emailKey(), was.email(), was.name(), false, was.wasTeam()));
                }
            }
        }
        List<Object[]> dropped = new ArrayList<>();
        kept.keySet().stream().filter(id -> !wanted.containsKey(id)).forEach(id -> dropped.add(new Object[] {id}));
        List<Object[]> written = new ArrayList<>();
        List<Object[]> addressesWanted = new ArrayList<>();
        wanted.forEach((id, row) -> {
            TeamRow had = kept.get(id);
            if (!row.equals(had)) {
                written.add(new Object[] {id, row.emailKey(), row.email(), row.name(), row.active(), row.wasTeam()});
                if (had == null || !row.emailKey().equals(had.emailKey())) {
                    addressesWanted.add(new Object[] {row.emailKey(), id});
                }
            }
        });
        jdbc.batchUpdate("DELETE FROM mail_team WHERE person_id = ?", dropped);
        // a wrong row may hold the address of another: it gets a stand-in, and its own right one below
        jdbc.batchUpdate("UPDATE mail_team SET email_key = '~' || person_id::text WHERE email_key = ? AND person_id <> ?",
                addressesWanted);
        jdbc.batchUpdate("""
                INSERT INTO mail_team (person_id, email_key, email, name, active, was_team) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (person_id) DO UPDATE SET email_key = EXCLUDED.email_key, email = EXCLUDED.email,
                       name = EXCLUDED.name, active = EXCLUDED.active, was_team = EXCLUDED.was_team""", written);
        return dropped.size() + written.size() + repairFormerAddresses(formerWanted);
    }

    /** The former addresses against the ones the persons' events leave behind. */
    private long repairFormerAddresses(Map<UUID, Map<String, String>> wanted) {
        Map<List<Object>, String> kept = new HashMap<>();
        jdbc.query("SELECT person_id, email_key, email FROM mail_team_former_address", rs -> {
            kept.put(List.of(rs.getObject(1, UUID.class), rs.getString(2)), rs.getString(3));
        });
        List<Object[]> dropped = kept.keySet().stream()
                .filter(row -> !wanted.getOrDefault((UUID) row.get(0), Map.of()).containsKey((String) row.get(1)))
                .map(List::toArray).toList();
        List<Object[]> written = new ArrayList<>();
        wanted.forEach((personId, former) -> former.forEach((key, email) -> {
            if (!email.equals(kept.get(List.of(personId, key)))) {
                written.add(new Object[] {personId, key, email});
            }
        }));
        jdbc.batchUpdate("DELETE FROM mail_team_former_address WHERE person_id = ? AND email_key = ?", dropped);
        jdbc.batchUpdate("""
                INSERT INTO mail_team_former_address (person_id, email_key, email) VALUES (?, ?, ?)
                ON CONFLICT (person_id, email_key) DO UPDATE SET email = EXCLUDED.email""", written);
        return dropped.size() + written.size();
    }

    record CaseRow(String reference, String subject, String status, String creatorKey) {
    }

    record ParticipantRow(String email, String name, boolean team, String role) {
    }

    record MessageRow(UUID caseId, String authorEmail, String authorName, String body, Instant postedAt,
                      String mailMessageId, String attachments) {

        /**
         * Whether this row says what the recorded message says. The event store keeps times to the millisecond,
         * the row the event's own time to the microsecond (rounded): the same time when they agree to the millisecond.
         */
        boolean says(MessageRow recorded) {
            return caseId.equals(recorded.caseId) && authorEmail.equals(recorded.authorEmail)
                    && authorName.equals(recorded.authorName) && body.equals(recorded.body)
                    && Objects.equals(mailMessageId, recorded.mailMessageId) && attachments.equals(recorded.attachments)
                    && !postedAt.isBefore(recorded.postedAt) && !postedAt.isAfter(recorded.postedAt.plusMillis(1));
        }
    }

    /** What the directory holds for one case, as the events say or as the tables have it. */
    static final class CaseEntry {
        CaseRow kase;
        final Map<String, ParticipantRow> participants = new LinkedHashMap<>();
        final Map<UUID, MessageRow> messages = new LinkedHashMap<>();

        /**
         * As {@link MailDirectory#tookPart}: whoever wrote takes part, with the name and team they wrote as (the
         * address as first written: another spelling of it is the same key).
         */
        void tookPart(Participant p) {
            known(p, MailDirectory.TOOK_PART);
        }

        /** As {@link MailDirectory#invited}: a participant invited stays a participant. */
        void invited(Participant p) {
            known(p, null);
        }

        private void known(Participant p, String role) {
            ParticipantRow was = participants.get(EmailAddresses.key(p.email()));
            String keptRole = role != null ? role : was == null ? MailDirectory.INVITED : was.role();
            participants.put(EmailAddresses.key(p.email()), new ParticipantRow(was == null ? p.email() : was.email(),
                    asStored(p.name()), p.team(), keptRole));
        }

        void status(CaseStatus status) {
            if (kase != null) {
                kase = new CaseRow(kase.reference(), kase.subject(), status.name(), kase.creatorKey());
            }
        }
    }

    /**
     * The text as a text column keeps it. PgJDBC sends UTF-8, in which an unpaired surrogate becomes "?": events
     * recorded before the HTTP API refused such text hold some, and compared as they are they would differ from their
     * rows at every rebuild.
     */
    static String asStored(String text) {
        if (text == null || text.chars().noneMatch(c -> Character.isSurrogate((char) c))) {
            return text;
        }
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    /** The directory of one case as {@code CaseMail}'s handlers write it from these events. */
    static CaseEntry fold(UUID caseId, List<? extends DomainEventMessage<?>> stream) {
        CaseEntry entry = new CaseEntry();
        if (stream.isEmpty() || !(stream.get(0).getPayload() instanceof CaseOpenedEvent)) {
            return entry;
        }
        for (DomainEventMessage<?> event : stream) {
            Object payload = event.getPayload();
            if (payload instanceof CaseOpenedEvent e) {
                entry.kase = new CaseRow(e.reference(), asStored(e.subject()), e.status().name(),
                        EmailAddresses.key(e.creator().email()));
                entry.tookPart(e.creator());
            } else if (payload instanceof ParticipantAddedEvent e) {
                entry.tookPart(e.participant());
            } else if (payload instanceof MessagePostedEvent e) {
                entry.messages.putIfAbsent(e.messageId(), new MessageRow(caseId, e.author().email(),
                        asStored(e.author().name()), asStored(e.body()), event.getTimestamp(), e.mailMessageId(),
                        MailDirectory.attachmentsJson(e.attachments())));
                entry.tookPart(e.author());
            } else if (payload instanceof TeamInvitedEvent e) {
                e.invited().forEach(entry::invited);
            } else if (payload instanceof CaseConfirmedEvent || payload instanceof CaseReopenedEvent) {
                entry.status(CaseStatus.OPEN);
            } else if (payload instanceof CaseClosedEvent) {
                entry.status(CaseStatus.CLOSED);
            } else if (payload instanceof CaseExpiredEvent) {
                entry.status(CaseStatus.EXPIRED);
            }
        }
        return entry;
    }

    private Pass repairCases(List<UUID> group, Consumer<List<UUID>> beforeWriting) {
        Map<UUID, CaseEntry> kept = kept(group);
        Changes changes = new Changes();
        List<UUID> changed = new ArrayList<>();
        for (UUID caseId : group) {
            if (changes.compare(caseId, kept.get(caseId), fold(caseId, recorded(caseId)))) {
                changed.add(caseId);
            }
        }
        beforeWriting.accept(group);
        return new Pass(changes.apply(jdbc), changed);
    }

    /** The directory rows of these cases, read in one snapshot with their events. */
    private Map<UUID, CaseEntry> kept(List<UUID> group) {
        UUID[] ids = group.toArray(UUID[]::new);
        Map<UUID, CaseEntry> kept = new HashMap<>();
        jdbc.query("SELECT case_id, reference, subject, status, creator_key FROM mail_case WHERE case_id = ANY(?)",
                rs -> {
                    kept.computeIfAbsent(rs.getObject(1, UUID.class), id -> new CaseEntry()).kase =
                            new CaseRow(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5));
                }, (Object) ids);
        jdbc.query("SELECT case_id, email_key, email, name, team, role FROM mail_participant WHERE case_id = ANY(?)",
                rs -> {
                    kept.computeIfAbsent(rs.getObject(1, UUID.class), id -> new CaseEntry()).participants.put(
                            rs.getString(2), new ParticipantRow(rs.getString(3), rs.getString(4), rs.getBoolean(5),
                                    rs.getString(6)));
                }, (Object) ids);
        jdbc.query("""
                SELECT message_id, case_id, author_email, author_name, body, posted_at, mail_message_id, attachments
                  FROM mail_message WHERE case_id = ANY(?)""", rs -> {
            UUID caseId = rs.getObject(2, UUID.class);
            kept.computeIfAbsent(caseId, id -> new CaseEntry()).messages.put(rs.getObject(1, UUID.class),
                    new MessageRow(caseId, rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getTimestamp(6).toInstant(), rs.getString(7), rs.getString(8)));
        }, (Object) ids);
        return kept;
    }

    private List<? extends DomainEventMessage<?>> recorded(UUID aggregateId) {
        // from the first event on: never the snapshot, which stands for the events before it
        return events.readEvents(aggregateId.toString(), 0).asStream().toList();
    }

    /** The rows one group's comparison found wrong, written with one batched statement each. */
    private static final class Changes {
        final List<Object[]> casesWritten = new ArrayList<>();
        final List<Object[]> referencesWanted = new ArrayList<>();
        final List<Object[]> casesDropped = new ArrayList<>();
        final List<Object[]> participantsWritten = new ArrayList<>();
        final List<Object[]> participantsDropped = new ArrayList<>();
        final List<Object[]> messagesWritten = new ArrayList<>();
        final List<Object[]> messagesDropped = new ArrayList<>();

        /** Notes what differs for this case; whether anything does. */
        boolean compare(UUID caseId, CaseEntry kept, CaseEntry want) {
            int before = rows();
            CaseEntry have = kept == null ? new CaseEntry() : kept;
            if (want.kase == null) {
                have.participants.keySet().forEach(key -> participantsDropped.add(new Object[] {caseId, key}));
                have.messages.keySet().forEach(id -> messagesDropped.add(new Object[] {id}));
                if (have.kase != null) {
                    casesDropped.add(new Object[] {caseId});
                }
                return rows() > before;
            }
            if (!want.kase.equals(have.kase)) {
                if (have.kase == null || !want.kase.reference().equals(have.kase.reference())) {
                    referencesWanted.add(new Object[] {want.kase.reference(), caseId});
                }
                casesWritten.add(new Object[] {caseId, want.kase.reference(), want.kase.subject(), want.kase.status(),
                        want.kase.creatorKey()});
            }
            have.participants.keySet().stream().filter(key -> !want.participants.containsKey(key))
                    .forEach(key -> participantsDropped.add(new Object[] {caseId, key}));
            want.participants.forEach((key, p) -> {
                if (!p.equals(have.participants.get(key))) {
                    participantsWritten.add(new Object[] {caseId, key, p.email(), p.name(), p.team(), p.role()});
                }
            });
            have.messages.keySet().stream().filter(id -> !want.messages.containsKey(id))
                    .forEach(id -> messagesDropped.add(new Object[] {id}));
            want.messages.forEach((id, m) -> {
                MessageRow had = have.messages.get(id);
                if (had == null || !had.says(m)) {
                    messagesWritten.add(new Object[] {id, caseId, m.authorEmail(), m.authorName(), m.body(),
                            Timestamp.from(m.postedAt()), m.mailMessageId(), m.attachments()});
                }
            });
            return rows() > before;
        }

        int rows() {
            return casesWritten.size() + casesDropped.size() + participantsWritten.size() + participantsDropped.size()
                    + messagesWritten.size() + messagesDropped.size();
        }

        long apply(JdbcTemplate jdbc) {
            jdbc.batchUpdate("DELETE FROM mail_message WHERE message_id = ?", messagesDropped);
            jdbc.batchUpdate("DELETE FROM mail_participant WHERE case_id = ? AND email_key = ?", participantsDropped);
            jdbc.batchUpdate("DELETE FROM mail_case WHERE case_id = ?", casesDropped);
            // a wrong row of another case may hold a reference wanted here: it gets a stand-in until its own group
            jdbc.batchUpdate("""
                    UPDATE mail_case SET reference = '~' || substr(md5(case_id::text), 1, 15)
                     WHERE reference = ? AND case_id <> ?""", referencesWanted);
            jdbc.batchUpdate("""
                    INSERT INTO mail_case (case_id, reference, subject, status, creator_key) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (case_id) DO UPDATE SET reference = EXCLUDED.reference, subject = EXCLUDED.subject,
                           status = EXCLUDED.status, creator_key = EXCLUDED.creator_key""", casesWritten);
            jdbc.batchUpdate("""
                    INSERT INTO mail_participant (case_id, email_key, email, name, team, role) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (case_id, email_key) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name,
                           team = EXCLUDED.team, role = EXCLUDED.role""", participantsWritten);
            // a message row may sit under another case: it moves to the one its event names
            jdbc.batchUpdate("""
                    INSERT INTO mail_message (message_id, case_id, author_email, author_name, body, posted_at,
                                              mail_message_id, attachments) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (message_id) DO UPDATE SET case_id = EXCLUDED.case_id,
                           author_email = EXCLUDED.author_email, author_name = EXCLUDED.author_name,
                           body = EXCLUDED.body, posted_at = EXCLUDED.posted_at,
                           mail_message_id = EXCLUDED.mail_message_id, attachments = EXCLUDED.attachments""",
                    messagesWritten);
            return rows();
        }
    }
}
