package dev.casey.mailgateway.outbox;

import dev.casey.api.common.EmailAddresses;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The durable outbox: one row per mail and recipient, holding the exact bytes to send, so that a
 * retry sends the same mail with the same Message-ID. Rows are written in the transaction of the
 * event that calls for them.
 */
@Repository
public class Outbox {

    /** States of an outgoing mail. */
    public enum State { QUEUED, SENT, FAILED, BOUNCED, RELAYED }

    /** One outgoing mail. */
    public record Entry(UUID id, UUID caseId, String kind, String recipient, String recipientName, String messageId,
                        String subject, Map<String, String> headers, String bodyText, byte[] raw, State state,
                        int attempts, Instant createdAt, Instant sentAt, String lastError) {
    }

    /** What to store for a new mail. */
    public record NewMail(UUID id, UUID caseId, String kind, String recipient, String recipientName, String messageId,
                          String subject, Map<String, String> headers, String bodyText, byte[] raw) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String COLUMNS = """
            SELECT id, case_id, kind, recipient, recipient_name, message_id, subject, headers, body_text, raw, state,
                   attempts, created_at, sent_at, last_error FROM mail_outbox
            """;

    private final JdbcTemplate jdbc;
    private final OutboxSignal signal;

    Outbox(JdbcTemplate jdbc, OutboxSignal signal) {
        this.jdbc = jdbc;
        this.signal = signal;
    }

    /** Queues a mail; a mail with the same id (the same event and recipient) is queued only once. */
    public void enqueue(NewMail mail) {
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update("""
                INSERT INTO mail_outbox (id, case_id, kind, recipient, recipient_key, recipient_name, message_id, subject,
                                         headers, body_text, raw, state, next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, 'QUEUED', ?, ?) ON CONFLICT (id) DO NOTHING""",
                mail.id(), mail.caseId(), mail.kind(), mail.recipient(), EmailAddresses.key(mail.recipient()),
                mail.recipientName(), mail.messageId(), mail.subject(), JSON.writeValueAsString(mail.headers()),
                mail.bodyText(), mail.raw(), now, now);
        signal.afterCommit();
    }

    /** Message-IDs of the mails sent to this recipient in this case, oldest first, for threading. */
    public List<String> messageIdsTo(UUID caseId, String recipient) {
        return jdbc.queryForList("""
                SELECT message_id FROM mail_outbox WHERE case_id = ? AND recipient_key = ? ORDER BY created_at, id""",
                String.class, caseId, EmailAddresses.key(recipient));
    }

    public Optional<Entry> byMessageId(String messageId) {
        return jdbc.query(COLUMNS + " WHERE message_id = ?", Outbox::entry, messageId).stream().findFirst();
    }

    public Optional<Entry> byId(UUID id) {
        return jdbc.query(COLUMNS + " WHERE id = ?", Outbox::entry, id).stream().findFirst();
    }

    /** The next mail due for delivery, locked for this transaction; other instances skip it. */
    Optional<Entry> claimDue() {
        return jdbc.query(COLUMNS + """
                 WHERE state = 'QUEUED' AND next_attempt_at <= now()
                 ORDER BY next_attempt_at, created_at LIMIT 1 FOR UPDATE SKIP LOCKED""", Outbox::entry)
                .stream().findFirst();
    }

    void sent(UUID id) {
        jdbc.update("UPDATE mail_outbox SET state = 'SENT', attempts = attempts + 1, sent_at = now(), last_error = NULL "
                + "WHERE id = ?", id);
    }

    void retryLater(UUID id, Instant next, String error) {
        jdbc.update("UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
                Timestamp.from(next), error, id);
    }

    void failed(UUID id, String error) {
        jdbc.update("UPDATE mail_outbox SET state = 'FAILED', attempts = attempts + 1, last_error = ? WHERE id = ?",
                error, id);
    }

    /** Marks the mail with this Message-ID as bounced; empty when it is not one of ours. */
    public Optional<Entry> bounced(String messageId, String diagnostic) {
        Optional<Entry> entry = byMessageId(messageId);
        entry.ifPresent(e -> jdbc.update("UPDATE mail_outbox SET state = 'BOUNCED', last_error = ? WHERE id = ?",
                diagnostic, e.id()));
        return entry;
    }

    /** Mails waiting for an external relay (mail sending off), oldest first. */
    public List<Entry> pending(int limit) {
        return jdbc.query(COLUMNS + " WHERE state = 'QUEUED' ORDER BY created_at, id LIMIT ?", Outbox::entry, limit);
    }

    /** An external relay sent this mail; false when there is no such mail. */
    public boolean relayed(UUID id) {
        return jdbc.update("UPDATE mail_outbox SET state = CASE WHEN state = 'QUEUED' THEN 'RELAYED' ELSE state END, "
                + "sent_at = COALESCE(sent_at, now()) WHERE id = ?", id) == 1;
    }

    /** How many mails are in each state. */
    public Map<State, Long> countByState() {
        Map<State, Long> counts = new LinkedHashMap<>();
        for (State state : State.values()) {
            counts.put(state, 0L);
        }
        jdbc.query("SELECT state, count(*) FROM mail_outbox GROUP BY state",
                rs -> {
                    counts.put(State.valueOf(rs.getString(1)), rs.getLong(2));
                });
        return counts;
    }

    /** The mails waiting to be sent: how many, and since when the oldest waits ({@code null} when none). */
    public record Backlog(long queued, Instant oldestQueuedAt) {
    }

    /** Cheap enough to ask on every health check and metrics scrape (partial index on queued mail). */
    public Backlog backlog() {
        return jdbc.queryForObject("SELECT count(*), min(created_at) FROM mail_outbox WHERE state = 'QUEUED'",
                (rs, row) -> {
                    Timestamp oldest = rs.getTimestamp(2);
                    return new Backlog(rs.getLong(1), oldest == null ? null : oldest.toInstant());
                });
    }

    private static Entry entry(ResultSet rs, int row) throws SQLException {
        Timestamp sentAt = rs.getTimestamp(14);
        return new Entry(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7),
                JSON.readValue(rs.getString(8), new TypeReference<LinkedHashMap<String, String>>() {
                }), rs.getString(9), rs.getBytes(10), State.valueOf(rs.getString(11)), rs.getInt(12),
                rs.getTimestamp(13).toInstant(), sentAt == null ? null : sentAt.toInstant(), rs.getString(15));
    }
}
