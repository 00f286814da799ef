package dev.casey.mailgateway.inbound;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Every inbound mail with what became of it, and its raw bytes: nothing that arrived is lost. */
@Repository
class InboundLog {

    private final JdbcTemplate jdbc;

    InboundLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** What became of the mail with this key when it came before: its outcome and case; empty when it did not. */
    Optional<InboundMailProcessor.Result> earlier(String dedupeKey) {
        return jdbc.query("SELECT outcome, case_id FROM inbound_mail WHERE dedupe_key = ?",
                (rs, row) -> new InboundMailProcessor.Result(InboundMailProcessor.Outcome.valueOf(rs.getString(1)),
                        rs.getObject(2, UUID.class), null), dedupeKey).stream().findFirst();
    }

    /** Records a mail; a second mail with the same key fails with a duplicate-key error. */
    void record(String dedupeKey, String messageId, String sender, String subject, InboundMailProcessor.Via via,
                InboundMailProcessor.Outcome outcome, String detail, UUID caseId, byte[] raw) {
        jdbc.update("""
                INSERT INTO inbound_mail (id, dedupe_key, message_id, sender, subject, via, outcome, detail, case_id,
                                          received_at, raw)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                UUID.randomUUID(), dedupeKey, truncate(messageId, 255), truncate(sender, 254), subject, via.name(),
                outcome.name(), detail, caseId, Timestamp.from(Instant.now()), raw);
    }

    /** Mails from this sender since then that were acted upon (duplicates and refusals do not count). */
    long countFrom(String sender, Instant since) {
        Long count = jdbc.queryForObject("""
                SELECT count(*) FROM inbound_mail WHERE sender = ? AND received_at >= ?
                   AND outcome IN ('POSTED', 'OPENED', 'AUTOMATIC')""",
                Long.class, truncate(sender, 254), Timestamp.from(since));
        return count == null ? 0 : count;
    }

    private static String truncate(String value, int length) {
        return value == null || value.length() <= length ? value : value.substring(0, length);
    }
}
