package dev.casey.query.supportcase;

import dev.casey.api.common.EmailAddresses;
import dev.casey.api.supportcase.CaseSummary;
import dev.casey.api.supportcase.CaseView;
import dev.casey.api.supportcase.FindCasesQuery;
import dev.casey.api.supportcase.MessageView;
import dev.casey.query.Documents;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The case read model in PostgreSQL: per case a narrow row that lists filter, sort, count and show ({@code case_view}
 * with its summary), beside it the document without the messages and the subject's searchable text
 * ({@code case_view_document}), and a row per message with its searchable text ({@code case_view_message}), so that
 * a new message costs the same on a long case as on a short one.
 */
@Repository
class CaseViewRepository {

    /**
     * Rows per status in case_view_count. A row stays locked until its transaction commits: with 16 rows, 16
     * concurrent openings collided on most of them (3.7 ms of waiting per opening); with 256, on few.
     */
    private static final int COUNT_SHARDS = 256;

    private final JdbcTemplate jdbc;

    CaseViewRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The stored view is no longer the one read: a rebuild replaced it. A lost race, should it reach the command. */
    static final class ViewReplaced extends ConcurrencyException {
        ViewReplaced(UUID caseId) {
            super("The view of case " + caseId + " was rebuilt while a command ran");
        }
    }

    /**
     * A case's view as stored, without its messages, how many messages it has, and which transaction wrote its row
     * last (PostgreSQL's {@code xmin}): a rebuild may replace the row between the read and the write of a command.
     */
    record Stored(CaseView view, int messages, String writtenBy) {
    }

    /**
     * The document with what every event changes taken from the narrow row, which is written anyway: the document
     * itself is written only when something else changed (see {@link #save}).
     */
    private static final String DOCUMENT = """
            d.document || jsonb_build_object('updatedAt', c.summary -> 'updatedAt', 'version', c.version)""";

    /** The whole view, with its messages. */
    Optional<CaseView> find(UUID caseId) {
        return jdbc.query("SELECT jsonb_set(" + DOCUMENT + """
                , '{messages}', coalesce((SELECT jsonb_agg(m.message ORDER BY m.position)
                         FROM case_view_message m WHERE m.case_id = d.case_id), '[]'::jsonb))
                  FROM case_view_document d JOIN case_view c USING (case_id) WHERE d.case_id = ?""",
                (rs, i) -> read(rs.getString(1)), caseId).stream().findFirst();
    }

    /** The view without its messages, to fold new events onto. */
    Optional<Stored> stored(UUID caseId) {
        return jdbc.query("SELECT " + DOCUMENT + """
                , c.message_count, c.xmin::text FROM case_view_document d JOIN case_view c USING (case_id)
                 WHERE d.case_id = ?""",
                (rs, i) -> new Stored(read(rs.getString(1)), rs.getInt(2), rs.getString(3)), caseId).stream()
                .findFirst();
    }

    /**
     * Stores the view after events: previous is the stored view (null for a new case), next the view folded onto
     * it, whose messages are those added since (all of them for a new case).
     *
     * @return the view as now stored, as {@link #stored} would read it in this transaction; null for a new case
     * @throws ViewReplaced when the row is no longer the one previous was read from (a rebuild replaced it meanwhile);
     *         nothing was written
     */
    Stored save(Stored previous, CaseView next) {
        if (previous == null) {
            insert(List.of(next));
            return null;
        }
        int messages = previous.messages() + next.messages().size();
        CaseView document = documentOf(next);
        List<MessageRow> added = messageRows(next, previous.messages());
        // the narrow row and the rows of the messages added with one statement (a message is the most frequent
        // command), the messages written only when the row was
        String writtenBy = jdbc.query("""
                WITH updated AS (
                    UPDATE case_view SET status = ?, category = ?, message_count = ?, updated_at = ?, version = ?,
                                         summary = ?::jsonb
                     WHERE case_id = ? AND xmin = ?::xid RETURNING case_id, xmin),
                added AS (
                    INSERT INTO case_view_message (case_id, position, search_text, message)
                    SELECT u.case_id, m.position, m.search_text, m.message::jsonb
                      FROM updated u, unnest(?::int[], ?::text[], ?::text[]) AS m(position, search_text, message))
                SELECT xmin::text FROM updated""", (rs, i) -> rs.getString(1),
                status(next), next.category(), messages, ts(next.updatedAt()), next.version(),
                Documents.MAPPER.writeValueAsString(summaryOf(next, messages)), next.uuid(), previous.writtenBy(),
                added.stream().map(MessageRow::position).toArray(Integer[]::new),
                added.stream().map(MessageRow::searchText).toArray(String[]::new),
                added.stream().map(MessageRow::message).toArray(String[]::new)).stream().findFirst()
                .orElseThrow(() -> new ViewReplaced(next.uuid()));
        if (!document.equals(documentOf(previous.view()))) { // a message alone changes only the narrow row
            jdbc.update("UPDATE case_view_document SET document = ?::jsonb WHERE case_id = ?",
                    Documents.MAPPER.writeValueAsString(document), next.uuid());
        }
        CaseView was = previous.view();
        if (!was.tags().equals(next.tags())) {
            jdbc.update("DELETE FROM case_view_tag WHERE case_id = ?", next.uuid());
            insertTags(List.of(next));
        }
        if (!was.participants().equals(next.participants())) {
            // those who took part already keep their rows as they are: their first messages, which say when they
            // joined, are not among the messages added since
            insertParticipants(List.of(next));
        }
        return new Stored(new CaseView(next.uuid(), next.reference(), next.subject(), next.status(), next.category(),
                next.tags(), next.meta(), next.creator(), next.participants(), next.invited(), List.of(),
                next.openedAt(), next.updatedAt(), next.closedAt(), next.version()), messages, writtenBy);
    }

    /** Stores the views of cases that have none (a new case, or cases a rebuild has just cleared), with all their messages. */
    private void insert(List<CaseView> views) {
        jdbc.batchUpdate("""
                INSERT INTO case_view (case_id, reference, subject, status, category, creator_email, message_count,
                                       opened_at, updated_at, version, summary)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""",
                views.stream().map(v -> new Object[] {v.uuid(), v.reference(), v.subject(), status(v), v.category(),
                        EmailAddresses.key(v.creator().email()), v.messages().size(), ts(v.openedAt()),
                        ts(v.updatedAt()), v.version(),
                        Documents.MAPPER.writeValueAsString(summaryOf(v, v.messages().size()))}).toList());
        jdbc.batchUpdate("INSERT INTO case_view_document (case_id, search_text, document) VALUES (?, ?, ?::jsonb)",
                views.stream().map(v -> new Object[] {v.uuid(), searchable(v.subject()),
                        Documents.MAPPER.writeValueAsString(documentOf(v))}).toList());
        List<MessageRow> messages = new ArrayList<>();
        views.forEach(v -> messages.addAll(messageRows(v, 0)));
        insertMessageRows(messages);
        insertTags(views);
        insertParticipants(views);
    }

    /**
     * Locks the rows of these cases' views until the transaction ends (a rebuild, before it reads their events): a
     * command that writes one meanwhile waits for it, and one that has written one already is waited for.
     */
    void lock(List<UUID> caseIds) {
        jdbc.query("SELECT case_id FROM case_view WHERE case_id = ANY(?::uuid[]) ORDER BY case_id FOR UPDATE",
                rs -> { }, (Object) uuids(caseIds));
    }

    /** Replaces the views of these cases (locked with {@link #lock}) by the given ones, which may be fewer. */
    void replace(List<UUID> caseIds, List<CaseView> views) {
        jdbc.update("DELETE FROM case_view WHERE case_id = ANY(?::uuid[])", (Object) uuids(caseIds));
        // a reference belongs to one case: another case's view that holds one of these is wrong, and goes (its own
        // case's turn stores it anew)
        jdbc.update("DELETE FROM case_view WHERE reference = ANY(?)",
                (Object) views.stream().map(CaseView::reference).toArray(String[]::new));
        insert(views);
    }

    /** A row of case_view_message; {@code message}: the message as JSON. */
    private record MessageRow(UUID caseId, int position, String searchText, String message) {
    }

    private static List<MessageRow> messageRows(CaseView view, int before) {
        List<MessageRow> rows = new ArrayList<>();
        for (int i = 0; i < view.messages().size(); i++) {
            MessageView message = view.messages().get(i);
            rows.add(new MessageRow(view.uuid(), before + i, searchable(message.body()),
                    Documents.MAPPER.writeValueAsString(message)));
        }
        return rows;
    }

    private void insertMessageRows(List<MessageRow> rows) {
        jdbc.batchUpdate("INSERT INTO case_view_message (case_id, position, search_text, message) VALUES (?, ?, ?, ?::jsonb)",
                rows.stream().map(r -> new Object[] {r.caseId(), r.position(), r.searchText(), r.message()}).toList());
    }

    private void insertTags(List<CaseView> views) {
        jdbc.batchUpdate("INSERT INTO case_view_tag (case_id, tag) VALUES (?, ?)", views.stream()
                .flatMap(v -> v.tags().stream().map(t -> new Object[] {v.uuid(), t})).toList());
    }

    private void insertParticipants(List<CaseView> views) {
        jdbc.batchUpdate("""
                INSERT INTO case_view_participant (case_id, email_key, person_id, joined_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (case_id, email_key) DO UPDATE SET person_id = EXCLUDED.person_id""",
                views.stream().flatMap(v -> v.participants().stream()
                        .map(p -> new Object[] {v.uuid(), EmailAddresses.key(p.email()), p.personId(),
                                joinedAt(v, EmailAddresses.key(p.email()))})).toList());
    }

    /**
     * When someone joined the case: the creator when it was opened, anyone else with their first message (posting
     * is how one joins); null when that message is not among the view's (not one added since the view was stored).
     */
    private static Timestamp joinedAt(CaseView view, String key) {
        if (EmailAddresses.key(view.creator().email()).equals(key)) {
            return ts(view.openedAt());
        }
        return view.messages().stream().filter(m -> EmailAddresses.key(m.author().email()).equals(key))
                .map(MessageView::postedAt).min(Comparator.naturalOrder()).map(CaseViewRepository::ts).orElse(null);
    }

    private static String[] uuids(List<UUID> caseIds) {
        return caseIds.stream().map(UUID::toString).toArray(String[]::new);
    }

    /**
     * Counts the change of status from previous (null for a new case) to next in the list totals. The row stays
     * locked until the transaction commits: call it as late in the transaction as possible.
     */
    void countStatusChange(CaseView previous, CaseView next) {
        if (previous == null) {
            countCases(next, status(next), 1);
        } else if (previous.status() != next.status()) {
            // always in the same order of statuses: two transactions never wait for each other's rows
            String before = status(previous);
            String after = status(next);
            boolean beforeFirst = before.compareTo(after) < 0;
            countCases(next, beforeFirst ? before : after, beforeFirst ? -1 : 1);
            countCases(next, beforeFirst ? after : before, beforeFirst ? 1 : -1);
        }
    }

    /**
     * The list totals counted anew from the views (after a rebuild). Commands that change a total meanwhile wait:
     * one that counted already is waited for, so each case is counted exactly once.
     */
    void recount() {
        jdbc.execute("LOCK TABLE case_view_count IN EXCLUSIVE MODE");
        jdbc.update("DELETE FROM case_view_count");
        jdbc.update("INSERT INTO case_view_count (status, shard, cases) SELECT status, 0, count(*) FROM case_view"
                + " GROUP BY status");
    }

    private void countCases(CaseView view, String status, int change) {
        jdbc.update("""
                INSERT INTO case_view_count (status, shard, cases) VALUES (?, ?, ?)
                ON CONFLICT (status, shard) DO UPDATE SET cases = case_view_count.cases + EXCLUDED.cases""",
                status, (short) Math.floorMod(view.uuid().hashCode(), COUNT_SHARDS), change);
    }

    long count(FindCasesQuery query) {
        if (query.category() == null && query.tag() == null && query.participant() == null && query.personId() == null
                && query.text() == null) {
            Long total = query.status() == null
                    ? jdbc.queryForObject("SELECT coalesce(sum(cases), 0) FROM case_view_count", Long.class)
                    : jdbc.queryForObject("SELECT coalesce(sum(cases), 0) FROM case_view_count WHERE status = ?",
                            Long.class, query.status().name());
            return total == null ? 0 : total;
        }
        Filter filter = Filter.of(query, true);
        Long total = jdbc.queryForObject("SELECT count(*) FROM case_view c" + filter.where, Long.class,
                filter.args.toArray());
        return total == null ? 0 : total;
    }

    /**
     * A person's cases (a {@code personId} filter) at most this many: a page of them is found from their participant
     * rows and sorted, not by walking every case newest first until enough are theirs (all of them, for a customer of
     * a few cases: 260 ms with 34,000 cases). One who took part in more cases than this (a team member) finds a page
     * of them sooner by that walk, which meets theirs often.
     */
    static final long FEW_CASES = 1000;

    /** A page of the cases; {@code total}: how many match, as {@link #count} gave it. */
    List<CaseSummary> find(FindCasesQuery query, long total) {
        Filter filter = Filter.of(query, total <= FEW_CASES);
        List<Object> args = new ArrayList<>(filter.args);
        args.add(query.size());
        args.add((long) query.page() * query.size());
        return jdbc.query("SELECT c.summary FROM case_view c" + filter.where
                        + " ORDER BY c.updated_at DESC, c.case_id LIMIT ? OFFSET ?",
                (rs, row) -> Documents.MAPPER.readValue(rs.getString(1), CaseSummary.class), args.toArray());
    }

    /**
     * What the document keeps: the view without its messages (rows of their own) and without what every event
     * changes (its time and version: read from the narrow row).
     */
    private static CaseView documentOf(CaseView v) {
        return new CaseView(v.uuid(), v.reference(), v.subject(), v.status(), v.category(), v.tags(), v.meta(),
                v.creator(), v.participants(), v.invited(), List.of(), v.openedAt(), null, v.closedAt(), 0);
    }

    private static CaseSummary summaryOf(CaseView v, int messages) {
        return new CaseSummary(v.uuid(), v.reference(), v.subject(), v.status(), v.category(), v.tags(), v.creator(),
                messages, v.openedAt(), v.updatedAt());
    }

    /** The WHERE clause of a list query and its arguments. */
    private record Filter(String where, List<Object> args) {
        /**
         * @param byPerson a {@code personId} filter is answered from the person's participant rows (by index: a cost
         *        that grows with their cases), not by looking at each case's participants (with every case)
         */
        static Filter of(FindCasesQuery q, boolean byPerson) {
            List<String> conditions = new ArrayList<>();
            List<Object> args = new ArrayList<>();
            if (q.status() != null) {
                conditions.add("c.status = ?");
                args.add(q.status().name());
            }
            if (q.category() != null) {
                conditions.add("c.category = ?");
                args.add(q.category());
            }
            if (q.tag() != null) {
                conditions.add("EXISTS (SELECT 1 FROM case_view_tag t WHERE t.case_id = c.case_id AND t.tag = ?)");
                args.add(q.tag());
            }
            if (q.personId() != null && byPerson) {
                // the same three ways as below, each found by index from the person or the address
                conditions.add("""
                        c.case_id IN (
                            SELECT p.case_id FROM case_view_participant p WHERE p.person_id = ?
                            UNION ALL
                            SELECT p.case_id FROM case_view_participant p
                             WHERE p.email_key = ? AND p.person_id IS NULL AND p.joined_at IS NULL
                            UNION ALL
                            SELECT p.case_id FROM person_view_address a
                              JOIN case_view_participant p ON p.email_key = a.email_key
                             WHERE a.person_id = ? AND p.person_id IS NULL AND a.held_from >= p.joined_at
                               AND NOT EXISTS (SELECT 1 FROM person_view_address o WHERE o.email_key = p.email_key
                                                AND o.held_from >= p.joined_at AND o.held_from < a.held_from))""");
                args.add(q.personId());
                args.add(q.participant() == null ? "" : EmailAddresses.key(q.participant()));
                args.add(q.personId());
            } else if (q.personId() != null) {
                // one who joined unregistered is whoever took up the address first after that, under any address
                // they have since: not one who held it before, nor one who takes it up after them. One who joined
                // before joining times were kept is the address's current holder, as then
                conditions.add("""
                        EXISTS (SELECT 1 FROM case_view_participant p WHERE p.case_id = c.case_id AND (p.person_id = ?
                            OR (p.person_id IS NULL AND p.joined_at IS NULL AND p.email_key = ?)
                            OR (p.person_id IS NULL AND EXISTS (SELECT 1 FROM person_view_address a
                                 WHERE a.person_id = ? AND a.email_key = p.email_key AND a.held_from >= p.joined_at
                                   AND NOT EXISTS (SELECT 1 FROM person_view_address o WHERE o.email_key = p.email_key
                                                    AND o.held_from >= p.joined_at AND o.held_from < a.held_from)))))""");
                args.add(q.personId());
                args.add(q.participant() == null ? "" : EmailAddresses.key(q.participant()));
                args.add(q.personId());
            } else if (q.participant() != null) {
                conditions.add("EXISTS (SELECT 1 FROM case_view_participant p WHERE p.case_id = c.case_id AND p.email_key = ?)");
                args.add(EmailAddresses.key(q.participant()));
            }
            if (q.text() != null) {
                // the reference too: it is what customers quote and teams note down
                conditions.add("(c.reference = ? OR EXISTS (SELECT 1 FROM case_view_document d WHERE d.case_id = c.case_id"
                        + " AND strpos(d.search_text, ?) > 0) OR EXISTS (SELECT 1 FROM case_view_message m"
                        + " WHERE m.case_id = c.case_id AND strpos(m.search_text, ?) > 0))");
                args.add(q.text().strip().toUpperCase(Locale.ROOT));
                args.add(q.text().toLowerCase(Locale.ROOT));
                args.add(q.text().toLowerCase(Locale.ROOT));
            }
            return new Filter(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), args);
        }
    }

    private static String status(CaseView view) {
        return view.status().name();
    }

    private static String searchable(String text) {
        return text.toLowerCase(Locale.ROOT) + "\n";
    }

    private static Timestamp ts(java.time.Instant instant) {
        return Timestamp.from(instant);
    }

    private static CaseView read(String json) {
        return Documents.MAPPER.readValue(json, CaseView.class);
    }
}
