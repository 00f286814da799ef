package dev.casey.mailgateway.cases;

import dev.casey.api.common.EmailAddresses;
import dev.casey.api.supportcase.AttachmentRef;
import dev.casey.api.supportcase.CaseStatus;
import dev.casey.api.supportcase.Participant;
import dev.casey.mailgateway.StoredAttachments;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the mail gateway knows of cases, their participants, their messages and the team: enough to
 * address, thread and authorise mail, kept from the events without asking the other modules.
 */
@Repository
public class MailDirectory {

    /** A case as mail sees it. */
    public record CaseInfo(UUID caseId, String reference, String subject, CaseStatus status) {
    }

    /** Someone who gets the mail of a case: a participant, or a team member invited to it. */
    public record Recipient(String email, String name, boolean team, boolean invitedOnly) {
    }

    /** A message of a case, for quoting it in later mails, and what was attached to it. */
    public record PostedMessage(UUID messageId, String authorEmail, String authorName, String body, Instant postedAt,
                                String mailMessageId, List<Attachment> attachments) {
    }

    /**
     * An attachment of a message as mail carries or lists it: {@code id} names its content in {@code mail_attachment}
     * (null in rows written before mail carried attachments), {@code omitted} that the content was not kept.
     */
    public record Attachment(UUID id, String filename, String contentType, long size, boolean omitted) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A message as {@link #postedMessage} reads it. */
    private static final String MESSAGE_COLUMNS =
            "message_id, author_email, author_name, body, posted_at, mail_message_id, attachments";
    /** Where {@link #history} and {@link #messagePosted} read the messages before one: case, time, how many. */
    private static final String HISTORY =
            " FROM mail_message WHERE case_id = ? AND posted_at < ? ORDER BY posted_at DESC LIMIT ?";
    private static final TypeReference<List<Attachment>> ATTACHMENTS = new TypeReference<>() {
    };

    /** The statement of {@link #upsertParticipant}; {@code %1$s}: the role after. */
    private static final String UPSERT_PARTICIPANT = """
            INSERT INTO mail_participant (case_id, email_key, email, name, team, role) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (case_id, email_key) DO UPDATE SET name = EXCLUDED.name, team = EXCLUDED.team, role = %1$s
             WHERE (mail_participant.name, mail_participant.team, mail_participant.role)
                   IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.team, %1$s)""";

    static final String TOOK_PART = "participant";
    static final String INVITED = "invited";

    private final JdbcTemplate jdbc;
    private final StoredAttachments stored;

    public MailDirectory(JdbcTemplate jdbc, StoredAttachments stored) {
        this.jdbc = jdbc;
        this.stored = stored;
    }

    public void caseOpened(UUID caseId, String reference, String subject, CaseStatus status, Participant creator) {
        jdbc.update("""
                INSERT INTO mail_case (case_id, reference, subject, status, creator_key) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""", caseId, reference, subject, status.name(), EmailAddresses.key(creator.email()));
        tookPart(caseId, creator);
    }

    public void statusChanged(UUID caseId, CaseStatus status) {
        jdbc.update("UPDATE mail_case SET status = ? WHERE case_id = ?", status.name(), caseId);
    }

    /** Someone wrote to the case: from now on they take part (an invitation becomes participation). */
    public void tookPart(UUID caseId, Participant participant) {
        upsertParticipant(caseId, participant, TOOK_PART, "'participant'");
    }

    public void invited(UUID caseId, Participant participant) {
        upsertParticipant(caseId, participant, INVITED, "mail_participant.role");
    }

    /**
     * Adds the participant, or updates a known one with {@code roleAfter} (SQL); a participant that stays as
     * they are (every further message of theirs) is not written again.
     */
    private void upsertParticipant(UUID caseId, Participant p, String role, String roleAfter) {
        jdbc.update(UPSERT_PARTICIPANT.formatted(roleAfter), participantRow(caseId, p, role));
    }

    private static Object[] participantRow(UUID caseId, Participant p, String role) {
        return new Object[] {caseId, EmailAddresses.key(p.email()), p.email(), p.name(), p.team(), role};
    }

    /**
     * A message as stored, the case it is in ({@link #find}), and up to so many messages of the case posted before it,
     * newest first ({@link #history}); {@code kase} and {@code before} are null when the message was stored already
     * (its event handled again): read them as usual then.
     */
    public record Posting(PostedMessage message, CaseInfo kase, List<PostedMessage> before) {
    }

    /**
     * Keeps a message of a case (once: the same event handled again changes nothing) and its author as taking part
     * ({@link #tookPart}), and reads the case and the {@code quoted} messages before it, which every mail of the
     * message needs: one statement where there were three.
     */
    public Posting messagePosted(UUID caseId, UUID messageId, Participant author, String body, Instant at,
                                 String mailMessageId, List<AttachmentRef> attachments, int quoted) {
        Timestamp postedAt = Timestamp.from(at);
        List<Object> args = new ArrayList<>(List.of(participantRow(caseId, author, TOOK_PART)));
        args.addAll(Arrays.asList(messageId, caseId, author.email(), author.name(), body, postedAt, mailMessageId,
                attachmentsJson(attachments), caseId, postedAt, quoted));
        // a data-modifying WITH runs to its end whether or not the query after it reads it; the messages before this
        // one are read in the statement's snapshot, which has not got it: posted_at < its own anyway
        List<PostedMessage> before = new ArrayList<>();
        List<Posting> posted = new ArrayList<>();
        jdbc.query("WITH author AS (" + UPSERT_PARTICIPANT.formatted("'participant'") + """
                ), message AS (
                    INSERT INTO mail_message (message_id, case_id, author_email, author_name, body, posted_at,
                                              mail_message_id, attachments)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING case_id,\s""" + MESSAGE_COLUMNS
                + """
                )
                SELECT TRUE AS posted, c.case_id, c.reference, c.subject, c.status,\s""" + MESSAGE_COLUMNS + """
                  FROM message LEFT JOIN mail_case c USING (case_id)
                UNION ALL (
                SELECT FALSE, NULL, NULL, NULL, NULL,\s""" + MESSAGE_COLUMNS + HISTORY + """
                )
                ORDER BY posted DESC, posted_at DESC""", rs -> {
                    PostedMessage message = postedMessageFrom(rs, 6);
                    if (!rs.getBoolean(1)) {
                        before.add(message);
                    } else {
                        posted.add(new Posting(message, rs.getObject(2) == null ? null : caseInfoFrom(rs, 2), null));
                    }
                }, args.toArray());
        if (posted.isEmpty()) {
            return new Posting(message(messageId).orElseThrow(), null, null);
        }
        Posting stored = posted.get(0);
        return new Posting(stored.message(), stored.kase(), stored.kase() == null ? null : List.copyOf(before));
    }

    /**
     * The attachments as {@code mail_message.attachments} holds them; the same for the same attachments, so that the
     * repair can compare it with the row. Null (events from before attachments) is none.
     */
    static String attachmentsJson(List<AttachmentRef> attachments) {
        List<Attachment> listed = attachments == null ? List.of() : attachments.stream()
                .map(a -> new Attachment(a.attachmentId(), MailDirectoryRepair.asStored(a.filename()), a.contentType(),
                        a.size(), a.omitted())).toList();
        return JSON.writeValueAsString(listed);
    }

    /**
     * A person registered or changed; an address they leave behind is kept as a former one (see team). Whether
     * they were ever in the team ({@code was_team}) the row keeps itself (a trigger, V20261203_0820).
     */
    public void teamMember(UUID personId, String email, String name, boolean active) {
        String key = EmailAddresses.key(email);
        jdbc.update("""
                INSERT INTO mail_team_former_address (person_id, email_key, email)
                SELECT person_id, email_key, email FROM mail_team WHERE person_id = ? AND email_key <> ?
                ON CONFLICT DO NOTHING""", personId, key);
        // an address taken up again is current, not former
        jdbc.update("DELETE FROM mail_team_former_address WHERE person_id = ? AND email_key = ?", personId, key);
        jdbc.update("""
                INSERT INTO mail_team (person_id, email_key, email, name, active) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (person_id) DO UPDATE SET email_key = EXCLUDED.email_key, email = EXCLUDED.email,
                       name = EXCLUDED.name, active = EXCLUDED.active""",
                personId, key, email, name, active);
    }

    public void teamMemberLeft(UUID personId) {
        jdbc.update("UPDATE mail_team SET active = FALSE WHERE person_id = ?", personId);
    }

    public Optional<CaseInfo> find(UUID caseId) {
        return jdbc.query("SELECT case_id, reference, subject, status FROM mail_case WHERE case_id = ?",
                MailDirectory::caseInfo, caseId).stream().findFirst();
    }

    public Optional<CaseInfo> byReference(String reference) {
        return jdbc.query("SELECT case_id, reference, subject, status FROM mail_case WHERE reference = ?",
                MailDirectory::caseInfo, reference).stream().findFirst();
    }

    /**
     * Everyone who gets the mail of a case: its participants and invited team members, except team
     * members who have since left the team. A team member who has changed address since they joined is written to
     * at the address they have now (once, also when they have joined under that one too), also when someone outside
     * the team has registered their former one since; an address that several team members have given up is written
     * to as it is, since whose it was cannot be told.
     */
    public List<Recipient> recipients(UUID caseId) {
        return jdbc.query("""
                SELECT email, name, team, role FROM (
                    SELECT DISTINCT ON (coalesce(m.email_key, p.email_key))
                           coalesce(m.email, p.email) AS email, coalesce(m.name, p.name) AS name, p.team, p.role,
                           coalesce(m.email_key, p.email_key) AS email_key
                      FROM mail_participant p
                      LEFT JOIN mail_team t ON t.email_key = p.email_key
                      LEFT JOIN mail_team m ON p.team AND (t.person_id IS NULL OR NOT t.active) AND m.person_id = (
                            SELECT (array_agg(f.person_id))[1] FROM mail_team_former_address f
                             WHERE f.email_key = p.email_key HAVING count(*) = 1)
                     WHERE p.case_id = ? AND (NOT p.team OR coalesce(m.active, t.active, TRUE))
                     ORDER BY coalesce(m.email_key, p.email_key), p.role DESC) r
                 ORDER BY role DESC, email_key""",
                (rs, i) -> new Recipient(rs.getString(1), rs.getString(2), rs.getBoolean(3),
                        INVITED.equals(rs.getString(4))),
                caseId);
    }

    /** The cases that took in mails with these Message-IDs, by Message-ID. */
    public Map<String, UUID> casesOfMails(List<String> mailMessageIds) {
        Map<String, UUID> cases = new HashMap<>();
        if (!mailMessageIds.isEmpty()) {
            jdbc.query("SELECT mail_message_id, case_id FROM mail_message WHERE mail_message_id = ANY(?)",
                    rs -> { cases.putIfAbsent(rs.getString(1), rs.getObject(2, UUID.class)); },
                    (Object) mailMessageIds.toArray(String[]::new));
        }
        return cases;
    }

    /** The creator of a case. */
    public Recipient creator(UUID caseId) {
        return jdbc.query("""
                SELECT p.email, p.name, p.team, p.role FROM mail_participant p
                  JOIN mail_case c ON c.case_id = p.case_id AND c.creator_key = p.email_key
                 WHERE p.case_id = ?""",
                (rs, i) -> new Recipient(rs.getString(1), rs.getString(2), rs.getBoolean(3), false), caseId)
                .stream().findFirst().orElseThrow(() -> new IllegalStateException("no creator known for case " + caseId));
    }

    /** The message a case was opened with. */
    public PostedMessage firstMessage(UUID caseId) {
        return jdbc.query("""
                SELECT %s FROM mail_message WHERE case_id = ? ORDER BY posted_at, message_id LIMIT 1"""
                        .formatted(MESSAGE_COLUMNS),
                MailDirectory::postedMessage, caseId).stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("no message known for case " + caseId));
    }

    /** The participant (or invited team member) of a case with this address. */
    public Optional<Recipient> recipient(UUID caseId, String email) {
        String key = EmailAddresses.key(email);
        return recipients(caseId).stream().filter(r -> EmailAddresses.key(r.email()).equals(key)).findFirst();
    }

    /**
     * Team members named in an event (invited, reminded) as mail is to reach them now, in their order: at the address
     * and name they have since changed to, as the mail of messages does, and not at all once they have left the team.
     * Someone the directory holds no team row for is written to as named.
     */
    public List<Recipient> teamMembersNow(List<Participant> members) {
        UUID[] known = members.stream().map(Participant::personId).filter(Objects::nonNull).toArray(UUID[]::new);
        Map<UUID, Optional<Recipient>> now = new HashMap<>();
        if (known.length > 0) {
            jdbc.query("SELECT person_id, email, name, active FROM mail_team WHERE person_id = ANY(?)", rs -> {
                now.put(rs.getObject(1, UUID.class), rs.getBoolean(4)
                        ? Optional.of(new Recipient(rs.getString(2), rs.getString(3), true, true)) : Optional.empty());
            }, (Object) known);
        }
        return members.stream().flatMap(member -> now.getOrDefault(member.personId(),
                Optional.of(new Recipient(member.email(), member.name(), true, true))).stream()).toList();
    }

    public boolean isActiveTeamMember(String email) {
        return Boolean.TRUE.equals(jdbc.query("SELECT active FROM mail_team WHERE email_key = ?",
                (rs, i) -> rs.getBoolean(1), EmailAddresses.key(email)).stream().findFirst().orElse(false));
    }

    /**
     * Which of these attachments of the case may show one of the addresses: a log, a patch or a signature of a team
     * member's that holds it (in any case, UTF-8 or UTF-16, see {@link AddressesInBytes}), or a document, archive or
     * PDF whose packed contents cannot be looked into. Each is read a part at a time ({@link StoredAttachments}).
     */
    public Set<UUID> attachmentsMayShow(UUID caseId, List<UUID> attachments, List<String> addresses) {
        if (attachments.isEmpty() || addresses.isEmpty()) {
            return Set.of();
        }
        AddressesInBytes search = AddressesInBytes.of(addresses);
        Map<UUID, String> names = new HashMap<>();
        jdbc.query("""
                        SELECT id, filename FROM mail_attachment
                         WHERE case_id = ? AND id = ANY(?) AND content IS NOT NULL""",
                (ResultSet rs) -> {
                    names.put(rs.getObject(1, UUID.class), rs.getString(2));
                }, caseId, attachments.toArray(UUID[]::new));
        Set<UUID> showing = new HashSet<>();
        names.forEach((id, filename) -> {
            if (mayShow(search.scan(filename), caseId, id)) {
                showing.add(id);
            }
        });
        return showing;
    }

    private boolean mayShow(AddressesInBytes.Scan scan, UUID caseId, UUID attachment) {
        for (long offset = 0; ; offset += StoredAttachments.PART) {
            byte[] part = stored.part(caseId, attachment, offset, StoredAttachments.PART);
            if (part.length > 0 && scan.mayShow(part)) {
                return true;
            }
            if (part.length < StoredAttachments.PART) {
                return scan.mayShow();
            }
        }
    }

    /**
     * Everyone who is or was in the team (a member now, or one who took part in a case as a member under any of their
     * addresses): their addresses, with those they had before, never to be shown outside it (an old signature or quote
     * still carries a former one); and their names, not to be borne by anyone outside it. Read for every command that
     * mails, so it looks only among those who were ever in the team ({@code was_team}, indexed), never through every
     * registered customer.
     */
    public Team team() {
        Set<String> addresses = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        Map<UUID, String> members = new HashMap<>();
        jdbc.query("""
                WITH member AS (
                    SELECT m.person_id, m.email, m.name, m.active FROM mail_team m
                     WHERE m.was_team AND (m.active
                           OR EXISTS (SELECT 1 FROM mail_participant p WHERE p.team AND p.email_key = m.email_key)
                           OR EXISTS (SELECT 1 FROM mail_team_former_address f
                                        JOIN mail_participant p ON p.team AND p.email_key = f.email_key
                                       WHERE f.person_id = m.person_id)))
                SELECT email, name, person_id, active FROM member
                UNION ALL
                SELECT f.email, NULL, NULL, FALSE FROM mail_team_former_address f JOIN member USING (person_id)
                ORDER BY 1, 2""", rs -> {
            addresses.add(rs.getString(1));
            if (rs.getString(2) != null) {
                names.add(rs.getString(2));
            }
            if (rs.getBoolean(4)) {
                members.put(rs.getObject(3, UUID.class), rs.getString(1));
            }
        });
        return new Team(List.copyOf(addresses), List.copyOf(names), Map.copyOf(members));
    }

    /**
     * Everyone who is or was in the team, as {@link #team()} reads them, in an order that stays while they do;
     * {@code members}: those in the team now, by person, at the address they have now.
     */
    public record Team(List<String> addresses, List<String> names, Map<UUID, String> members) {

        /**
         * The address mail reaches this team member at now: the one they have changed to since, as
         * {@link #teamMembersNow} gives it, or the one named when they are no longer in the team or not known as in it.
         */
        public String addressNow(Participant member) {
            return member.personId() == null ? member.email() : members.getOrDefault(member.personId(), member.email());
        }
    }

    public Optional<PostedMessage> message(UUID messageId) {
        return jdbc.query("SELECT " + MESSAGE_COLUMNS + " FROM mail_message WHERE message_id = ?",
                MailDirectory::postedMessage, messageId).stream().findFirst();
    }

    /** Earlier messages of a case, newest first, for quoting below a new one. */
    public List<PostedMessage> history(UUID caseId, Instant before, int limit) {
        return jdbc.query("SELECT " + MESSAGE_COLUMNS + HISTORY, MailDirectory::postedMessage, caseId,
                Timestamp.from(before), limit);
    }

    private static CaseInfo caseInfo(ResultSet rs, int row) throws SQLException {
        return caseInfoFrom(rs, 1);
    }

    /** The case of the row's columns from {@code first} on. */
    private static CaseInfo caseInfoFrom(ResultSet rs, int first) throws SQLException {
        return new CaseInfo(rs.getObject(first, UUID.class), rs.getString(first + 1), rs.getString(first + 2),
                CaseStatus.valueOf(rs.getString(first + 3)));
    }

    private static PostedMessage postedMessage(ResultSet rs, int row) throws SQLException {
        return postedMessageFrom(rs, 1);
    }

    /** The message of the row's {@link #MESSAGE_COLUMNS} from {@code first} on. */
    private static PostedMessage postedMessageFrom(ResultSet rs, int first) throws SQLException {
        return new PostedMessage(rs.getObject(first, UUID.class), rs.getString(first + 1), rs.getString(first + 2),
                rs.getString(first + 3), rs.getTimestamp(first + 4).toInstant(), rs.getString(first + 5),
                JSON.readValue(rs.getString(first + 6), ATTACHMENTS));
    }
}
