package dev.casey.mailgateway.outbox;

import dev.casey.api.common.EmailAddresses;
import dev.casey.api.supportcase.FetchMailDeliveriesQuery;
import dev.casey.api.supportcase.MailDeliveries;
import dev.casey.api.supportcase.MailDelivery;
import dev.casey.mailgateway.StoredAttachments;
import dev.casey.mailgateway.outbound.CarriedAttachments;
import dev.casey.mailgateway.outbound.ComposedMail;
import dev.casey.mailgateway.outbound.MailIdentity;
import dev.casey.mailgateway.outbound.OutgoingMail;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.queryhandling.QueryHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The durable outbox: one row per mail and recipient, written in the transaction of the event that calls for
 * it. A row is queued as a draft (Message-ID and threading fixed) and composed on first use, by the delivery or a
 * relay fetching it; from then on it holds the exact bytes, so that a retry sends the same mail.
 */
@Repository
public class Outbox {

    /** States of an outgoing mail. */
    public enum State { QUEUED, SENT, FAILED, BOUNCED, RELAYED }

    /** One outgoing mail; subject, headers, text and bytes are null until it is composed. */
    public record Entry(UUID id, UUID caseId, String kind, String recipient, String recipientName, String messageId,
                        String subject, Map<String, String> headers, String bodyText, byte[] raw, State state,
                        int attempts, Instant createdAt, Instant sentAt, String lastError) {
    }

    /** Who one of our mails went to, in which case: what an answer or a bounce to it is matched by. */
    public record Addressee(UUID id, UUID caseId, String recipient, String recipientName, String messageId,
                            String kind) {
    }

    /** What to store for a new mail: who gets it, the message of the case it carries (if any), and its draft. */
    public record NewMail(UUID id, UUID caseId, UUID caseMessageId, String kind, String recipient, String recipientName,
                          MailIdentity sender, OutgoingMail mail) {
    }

    /** A queued mail that cannot be composed (its draft is broken): it is marked failed, with the reason. */
    static final class UncomposableMail extends RuntimeException {
        private final transient Entry entry;

        UncomposableMail(Entry entry, RuntimeException cause) {
            super("cannot compose mail " + entry.messageId() + ": " + cause.getMessage(), cause);
            this.entry = entry;
        }

        Entry entry() {
            return entry;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String COLUMNS = """
            SELECT id, case_id, kind, recipient, recipient_name, message_id, subject, headers, body_text, raw, state,
                   attempts, created_at, sent_at, last_error, draft FROM mail_outbox
            """;
    /**
     * Stores a mail's composition unless it is stored already: a relay and the delivery composing the same mail at
     * once write the same, and an update of a composed mail keeps its bytes.
     */
    private static final String KEEP = "subject = COALESCE(subject, ?), headers = COALESCE(headers, ?::jsonb), "
            + "body_text = COALESCE(body_text, ?), raw = COALESCE(raw, ?)";
    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    /** The Message-IDs of a case's mails, with whose thread each is in; narrowed by {@link #threadOf}. */
    private static final String THREADS = """
            SELECT id, who FROM (
                SELECT mail_message_id AS id, lower(author_email) AS who, 0 AS ours, posted_at AS at,
                       NULL::uuid AS row_id
                  FROM mail_message WHERE case_id = ? AND mail_message_id IS NOT NULL""";
    private static final String OURS = """

                UNION ALL
                SELECT message_id, recipient_key, 1, created_at, id FROM mail_outbox WHERE case_id = ?""";
    private static final String ORDER = """

            ) thread ORDER BY ours, at, row_id""";

    private final JdbcTemplate jdbc;
    private final OutboxSignal signal;
    private final Drafts drafts;
    private final StoredAttachments attachments;

    Outbox(JdbcTemplate jdbc, OutboxSignal signal, Drafts drafts, StoredAttachments attachments) {
        this.jdbc = jdbc;
        this.attachments = attachments;
        this.signal = signal;
        this.drafts = drafts;
    }

    /**
     * Queues mails, in one statement (a batch the driver sends as one INSERT); a mail with the same id (the same event
     * and recipient) is queued only once.
     */
    public void enqueue(List<NewMail> mails) {
        if (mails.isEmpty()) {
            return;
        }
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.batchUpdate("""
                INSERT INTO mail_outbox (id, case_id, case_message_id, kind, recipient, recipient_key, recipient_name,
                                         message_id, draft, state, next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, 'QUEUED', ?, ?) ON CONFLICT (id) DO NOTHING""",
                mails.stream().map(mail -> new Object[] {mail.id(), mail.caseId(), mail.caseMessageId(), mail.kind(),
                        mail.recipient(), EmailAddresses.key(mail.recipient()), mail.recipientName(),
                        mail.mail().messageId(), Drafts.json(new Drafts.Draft(mail.sender(), mail.mail())), now, now})
                        .toList());
        signal.afterCommit();
    }

    /**
     * The Message-IDs this recipient's mail client knows of the case, to thread on: the mails they sent into it,
     * then the mails we sent them, each oldest first.
     */
    List<String> threadOf(UUID caseId, String recipient) {
        String key = threadKey(recipient);
        return jdbc.query(THREADS + " AND lower(author_email) = ?" + OURS + " AND recipient_key = ?" + ORDER,
                (rs, row) -> rs.getString(1), caseId, key, caseId, key);
    }

    /** {@link #threadOf} for everyone in the case at once, by {@link #threadKey}. */
    Map<String, List<String>> threadsOf(UUID caseId) {
        Map<String, List<String>> threads = new HashMap<>();
        jdbc.query(THREADS + OURS + ORDER, rs -> {
            threads.computeIfAbsent(rs.getString(2), key -> new ArrayList<>()).add(rs.getString(1));
        }, caseId, caseId);
        return threads;
    }

    /** Whose thread a mail is in: the key of the address of its author or recipient. */
    static String threadKey(String address) {
        return EmailAddresses.key(address);
    }

    /** How the mails of the case's messages fared, oldest first. */
    @QueryHandler
    MailDeliveries handle(FetchMailDeliveriesQuery query) {
        Map<UUID, List<MailDelivery>> byMessage = new LinkedHashMap<>();
        jdbc.query("""
                SELECT case_message_id, recipient, kind, state, attempts, created_at, sent_at, last_error FROM mail_outbox
                 WHERE case_id = ? AND case_message_id IS NOT NULL ORDER BY created_at, id""", rs -> {
                    Timestamp sentAt = rs.getTimestamp(7);
                    byMessage.computeIfAbsent(rs.getObject(1, UUID.class), message -> new ArrayList<>()).add(
                            new MailDelivery(rs.getString(2), rs.getString(3).toLowerCase(Locale.ROOT),
                                    rs.getString(4).toLowerCase(Locale.ROOT), rs.getInt(5),
                                    rs.getTimestamp(6).toInstant(), sentAt == null ? null : sentAt.toInstant(),
                                    rs.getString(8)));
                }, query.caseId());
        return new MailDeliveries(byMessage);
    }

    /** Our mail with this Message-ID; its bytes and draft are not read (replies name up to 20 of our ids). */
    public Optional<Addressee> byMessageId(String messageId) {
        return jdbc.query("""
                        SELECT id, case_id, recipient, recipient_name, message_id, kind FROM mail_outbox
                         WHERE message_id = ?""",
                (rs, row) -> new Addressee(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6)), messageId).stream().findFirst();
    }

    public Optional<Entry> byId(UUID id) {
        return jdbc.query(COLUMNS + " WHERE id = ?", Outbox::entry, id).stream().findFirst();
    }

    /**
     * The next mail due for delivery, composed, locked for this transaction; other instances skip it.
     *
     * @throws UncomposableMail when its draft cannot be composed; it is marked failed in this transaction
     */
    Optional<Entry> claimDue() {
        return jdbc.query(COLUMNS + """
                 WHERE state = 'QUEUED' AND next_attempt_at <= now()
                 ORDER BY next_attempt_at, created_at LIMIT 1 FOR UPDATE SKIP LOCKED""", Outbox::stored)
                .stream().findFirst().map(stored -> composed(stored, false));
    }

    /**
     * The stored mail, composed when it was a draft; {@code keep}: its composition is stored at once, else with the
     * outcome of its delivery ({@link #sent}, {@link #retryLater}, {@link #failed(Entry, String)}).
     */
    private Entry composed(Stored stored, boolean keep) {
        Entry e = stored.entry();
        if (e.raw() != null) {
            return e;
        }
        ComposedMail mail;
        try {
            mail = drafts.compose(stored.draft());
        } catch (RuntimeException broken) {
            UncomposableMail failure = new UncomposableMail(e, broken);
            failed(e, failure.getMessage());
            throw failure;
        }
        Entry composed = new Entry(e.id(), e.caseId(), e.kind(), e.recipient(), e.recipientName(), e.messageId(),
                mail.subject(), mail.headers(), mail.text(), mail.raw(), e.state(), e.attempts(), e.createdAt(),
                e.sentAt(), e.lastError());
        if (keep) {
            jdbc.update("UPDATE mail_outbox SET " + KEEP + " WHERE id = ?", keeping(composed, e.id()));
        }
        return composed;
    }

    /** The arguments of {@link #KEEP} for this mail (all null when it is not composed), then {@code more}. */
    private static Object[] keeping(Entry mail, Object... more) {
        Object[] args = new Object[4 + more.length];
        args[0] = mail.subject();
        args[1] = mail.headers() == null ? null : JSON.writeValueAsString(mail.headers());
        args[2] = mail.bodyText();
        args[3] = mail.raw();
        System.arraycopy(more, 0, args, 4, more.length);
        return args;
    }

    void sent(Entry mail) {
        jdbc.update("UPDATE mail_outbox SET " + KEEP + ", state = 'SENT', attempts = attempts + 1, sent_at = now(), "
                + "last_error = NULL WHERE id = ?", keeping(mail, mail.id()));
    }

    void retryLater(Entry mail, Instant next, String error) {
        jdbc.update("UPDATE mail_outbox SET " + KEEP + ", attempts = attempts + 1, next_attempt_at = ?, last_error = ? "
                + "WHERE id = ?", keeping(mail, Timestamp.from(next), error, mail.id()));
    }

    void failed(Entry mail, String error) {
        jdbc.update("UPDATE mail_outbox SET " + KEEP + ", state = 'FAILED', attempts = attempts + 1, last_error = ? "
                + "WHERE id = ?", keeping(mail, error, mail.id()));
    }

    /** Marks the mail with this Message-ID as bounced; empty when it is not one of ours. */
    public Optional<Addressee> bounced(String messageId, String diagnostic) {
        Optional<Addressee> mail = byMessageId(messageId);
        mail.ifPresent(m -> jdbc.update("UPDATE mail_outbox SET state = 'BOUNCED', last_error = ? WHERE id = ?",
                diagnostic, m.id()));
        return mail;
    }

    /**
     * Mails waiting for an external relay (mail sending off), oldest first, composed. A mail that cannot be
     * composed is marked failed and left out.
     */
    public List<Entry> pending(int limit) {
        List<Entry> pending = new ArrayList<>();
        for (Stored stored : jdbc.query(COLUMNS + " WHERE state = 'QUEUED' ORDER BY created_at, id LIMIT ?",
                Outbox::stored, limit)) {
            try {
                pending.add(composed(stored, true));
            } catch (UncomposableMail e) {
                log.error("Outgoing mail {} of case {} left out: {}", e.entry().id(), e.entry().caseId(), e.getMessage());
            }
        }
        return pending;
    }

    /**
     * The mail composed again from its draft, listing its attachments without carrying them, and stored so (a server
     * refused it for its size); the same mail when it has no draft (queued composed, before drafts).
     */
    Entry listingOnly(Entry mail) {
        String draft = jdbc.queryForObject("SELECT draft FROM mail_outbox WHERE id = ?", String.class, mail.id());
        if (draft == null) {
            return mail;
        }
        ComposedMail listed = drafts.compose(draft, true);
        Entry composed = new Entry(mail.id(), mail.caseId(), mail.kind(), mail.recipient(), mail.recipientName(),
                mail.messageId(), listed.subject(), listed.headers(), listed.text(), listed.raw(), mail.state(),
                mail.attempts(), mail.createdAt(), mail.sentAt(), mail.lastError());
        jdbc.update("UPDATE mail_outbox SET subject = ?, headers = ?::jsonb, body_text = ?, raw = ? WHERE id = ?",
                keeping(composed, mail.id()));
        return composed;
    }

    /**
     * The mail to send or hand to a relay: the composed mail, with the content of the attachments it carries read
     * from the case's attachments as it is written, a part at a time ({@link StoredAttachments}).
     */
    public CarriedAttachments.Sendable sendable(Entry mail) {
        return new CarriedAttachments.Sendable(mail.raw(), attachment -> attachments.content(mail.caseId(), attachment)
                .orElseGet(() -> {
                    // attachments are never deleted: only a database changed by hand gets here; the mail still goes
                    log.error("Mail {} carries attachment {} of case {}, which is not stored: sent without its content",
                            mail.messageId(), attachment, mail.caseId());
                    return null;
                }));
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

    /** A row as stored: the entry, composed or not, and its draft (null for mails queued composed). */
    private record Stored(Entry entry, String draft) {
    }

    private static Stored stored(ResultSet rs, int row) throws SQLException {
        return new Stored(entry(rs, row), rs.getString(16));
    }

    private static Entry entry(ResultSet rs, int row) throws SQLException {
        Timestamp sentAt = rs.getTimestamp(14);
        String headers = rs.getString(8);
        return new Entry(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7),
                headers == null ? null : JSON.readValue(headers, new TypeReference<LinkedHashMap<String, String>>() {
                }), rs.getString(9), rs.getBytes(10), State.valueOf(rs.getString(11)), rs.getInt(12),
                rs.getTimestamp(13).toInstant(), sentAt == null ? null : sentAt.toInstant(), rs.getString(15));
    }
}
