package dev.casey.mailgateway.inbound;

import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.EmailAddresses;
import dev.casey.api.common.ErrorCode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Every inbound mail with what became of it, and its raw bytes: nothing that arrived is lost. */
@Repository
public class InboundLog {

    /** One inbound mail as recorded: what became of it, and whether an operator's retry took it up again. */
    public record Entry(UUID id, Instant receivedAt, String via, String from, String subject, String messageId,
                        String outcome, String detail, UUID caseId, long size, boolean whole, UUID retryOf,
                        UUID retriedAs) {
    }

    /** A page of inbound mails, newest first; {@code total} counts all that match. */
    public record Page(List<Entry> mails, int page, int size, long total) {
    }

    /** A mail taken up for an operator's retry: its bytes and where it came from. */
    record Kept(byte[] raw, InboundMailProcessor.Via via) {
    }

    private static final String ENTRY_COLUMNS = """
            SELECT m.id, m.received_at, m.via, m.sender, m.subject, m.message_id, m.outcome, m.detail, m.case_id,
                   octet_length(m.raw), m.whole, m.retry_of, r.id
              FROM inbound_mail m LEFT JOIN inbound_mail r ON r.retry_of = m.id""";

    private final JdbcTemplate jdbc;

    InboundLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** What became of the mail with this key when it came before: its outcome and case; empty when it did not. */
    Optional<InboundMailProcessor.Result> earlier(String dedupeKey) {
        return jdbc.query("SELECT outcome, case_id, id FROM inbound_mail WHERE dedupe_key = ?",
                (rs, row) -> new InboundMailProcessor.Result(InboundMailProcessor.Outcome.valueOf(rs.getString(1)),
                        rs.getObject(2, UUID.class), null, rs.getObject(3, UUID.class)), dedupeKey).stream().findFirst();
    }

    /**
     * What became of the mail with this key when it came from this sender (compared by {@link EmailAddresses#key});
     * empty when it did not come, or came from someone else.
     */
    Optional<InboundMailProcessor.Result> earlier(String dedupeKey, String sender) {
        return jdbc.query("""
                SELECT outcome, case_id, id FROM inbound_mail WHERE dedupe_key = ? AND lower(trim(sender)) = ?""",
                (rs, row) -> new InboundMailProcessor.Result(InboundMailProcessor.Outcome.valueOf(rs.getString(1)),
                        rs.getObject(2, UUID.class), null, rs.getObject(3, UUID.class)), dedupeKey,
                EmailAddresses.key(truncate(sender, 254))).stream().findFirst();
    }

    /**
     * Records a mail ({@code retryOf}: the record an operator's retry took it up from, else null) and returns the
     * record's id; a second mail with the same key fails with a duplicate-key error.
     */
    UUID record(String dedupeKey, String messageId, String sender, String subject, InboundMailProcessor.Via via,
                InboundMailProcessor.Outcome outcome, String detail, UUID caseId, byte[] raw, UUID retryOf,
                boolean whole) {
        UUID id = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO inbound_mail (id, dedupe_key, message_id, sender, subject, via, outcome, detail, case_id,
                                          received_at, raw, retry_of, whole)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                id, dedupeKey, truncate(messageId, 255), truncate(sender, 254), subject, via.name(),
                outcome.name(), detail, caseId, Timestamp.from(Instant.now()), raw, retryOf, whole);
        return id;
    }

    /**
     * Takes up a quarantined or held-back mail for an operator's retry, in the caller's transaction: its record gives
     * up its key, so that the mail is handled as if it arrived now, and it stays as it was otherwise.
     */
    Kept takeUpForRetry(UUID id) {
        record Row(InboundMailProcessor.Outcome outcome, InboundMailProcessor.Via via, byte[] raw, UUID retriedAs,
                   boolean whole, String dedupeKey) {
        }
        Row row = jdbc.query("""
                        SELECT m.outcome, m.via, m.raw, r.id, m.whole, m.dedupe_key FROM inbound_mail m
                          LEFT JOIN inbound_mail r ON r.retry_of = m.id
                         WHERE m.id = ? FOR UPDATE OF m""",
                (rs, i) -> new Row(InboundMailProcessor.Outcome.valueOf(rs.getString(1)),
                        InboundMailProcessor.Via.valueOf(rs.getString(2)), rs.getBytes(3), rs.getObject(4, UUID.class),
                        rs.getBoolean(5), rs.getString(6)), id).stream().findFirst()
                .orElseThrow(() -> new CaseyRefusal(ErrorCode.MAIL_NOT_FOUND, "no inbound mail " + id));
        InboundMailProcessor.Outcome outcome = row.outcome();
        if (!outcome.retriable()) {
            throw new CaseyRefusal(ErrorCode.MAIL_NOT_RETRIABLE, "only quarantined and held-back mail is retried; "
                    + "this one was " + outcome.name().toLowerCase(Locale.ROOT));
        }
        if (!row.whole() && row.dedupeKey().startsWith(InboundMailProcessor.UNREAD + ":")) {
            throw new CaseyRefusal(ErrorCode.MAIL_NOT_RETRIABLE, "only its header was kept, as the mailbox could not "
                    + "hand it out or it could not be handled, 5 times in a row (see its detail): move it from the "
                    + "mailbox's quarantine folder back to the inbox without its keyword "
                    + "$CaseyQuarantined once the cause is mended");
        }
        if (!row.whole()) {
            throw new CaseyRefusal(ErrorCode.MAIL_NOT_RETRIABLE, "only its header was read, as it was larger than "
                    + "mailMaxBytes: move it from the mailbox's quarantine folder back to the inbox once mailMaxBytes "
                    + "lets it in");
        }
        if (row.retriedAs() != null) {
            throw new CaseyRefusal(ErrorCode.MAIL_NOT_RETRIABLE, "this mail was retried already, as " + row.retriedAs());
        }
        // a retry that died before it recorded anything finds the key given up already, and goes on
        jdbc.update("UPDATE inbound_mail SET dedupe_key = 'retried:' || id WHERE id = ?", id);
        return new Kept(row.raw(), row.via());
    }

    /** Inbound mails, newest first, of one outcome or all. */
    public Page list(Optional<InboundMailProcessor.Outcome> outcome, int page, int size) {
        String where = outcome.isPresent() ? " WHERE m.outcome = ?" : "";
        Object[] args = outcome.map(o -> new Object[] {o.name()}).orElse(new Object[0]);
        List<Object> pageArgs = new ArrayList<>(List.of(args));
        pageArgs.add(size);
        pageArgs.add((long) page * size);
        List<Entry> mails = jdbc.query(ENTRY_COLUMNS + where + " ORDER BY m.received_at DESC, m.id LIMIT ? OFFSET ?",
                InboundLog::entry, pageArgs.toArray());
        Long total = jdbc.queryForObject("SELECT count(*) FROM inbound_mail m" + where, Long.class, args);
        return new Page(mails, page, size, total == null ? 0 : total);
    }

    /** One inbound mail's record. */
    public Optional<Entry> find(UUID id) {
        return jdbc.query(ENTRY_COLUMNS + " WHERE m.id = ?", InboundLog::entry, id).stream().findFirst();
    }

    /** Up to {@code length} bytes of a mail as it was received, from {@code offset} on (empty past its end). */
    public byte[] rawPart(UUID id, long offset, int length) {
        // substring counts from 1
        return jdbc.query("SELECT substring(raw FROM ?::int FOR ?::int) FROM inbound_mail WHERE id = ?",
                (rs, i) -> rs.getBytes(1), offset + 1, length, id).stream().findFirst().orElse(new byte[0]);
    }

    private static Entry entry(ResultSet rs, int row) throws SQLException {
        return new Entry(rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant(),
                rs.getString(3).toLowerCase(Locale.ROOT), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7).toLowerCase(Locale.ROOT), rs.getString(8), rs.getObject(9, UUID.class), rs.getLong(10),
                rs.getBoolean(11), rs.getObject(12, UUID.class), rs.getObject(13, UUID.class));
    }

    /** Mails from this sender since then that were acted upon (duplicates and refusals do not count). */
    long countFrom(String sender, Instant since) {
        Long count = jdbc.queryForObject("""
                SELECT count(*) FROM inbound_mail WHERE sender = ? AND received_at >= ?
                   AND outcome IN ('POSTED', 'OPENED', 'AUTOMATIC')""",
                Long.class, truncate(sender, 254), Timestamp.from(since));
        return count == null ? 0 : count;
    }

    /**
     * Cases opened by mail since then, from every sender, counted up to {@code most}: a limit set high (a busy desk,
     * a benchmark) must not make every new case count an hour's worth of them.
     */
    long countOpened(Instant since, int most) {
        Long count = jdbc.queryForObject("""
                SELECT count(*) FROM (SELECT 1 FROM inbound_mail WHERE outcome = 'OPENED' AND received_at >= ? LIMIT ?)
                    opened""", Long.class, Timestamp.from(since), most);
        return count == null ? 0 : count;
    }

    private static String truncate(String value, int length) {
        return value == null || value.length() <= length ? value : value.substring(0, length);
    }
}
