package dev.casey.command.supportcase;

import dev.casey.api.supportcase.Participant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The rotation lives in the person directory of the write side and moves in the transaction that
 * invites; {@code FOR UPDATE} keeps two cases opened at the same moment from picking the same
 * member twice.
 */
@Component
class JdbcTeamRoster implements TeamRoster {

    private final JdbcTemplate jdbc;

    JdbcTeamRoster(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<Participant> invite(int count, Set<String> excludedEmailKeys) {
        List<Participant> candidates = jdbc.query("""
                SELECT person_id, email, name, email_key FROM person_directory
                 WHERE team AND NOT retired
                 ORDER BY last_invited_at NULLS FIRST, name, person_id
                 FOR UPDATE""",
                (rs, i) -> excludedEmailKeys.contains(rs.getString(4)) ? null
                        : new Participant(rs.getString(2), rs.getString(3), true, rs.getObject(1, UUID.class)));
        List<Participant> chosen = candidates.stream().filter(java.util.Objects::nonNull)
                .limit(count <= 0 ? Long.MAX_VALUE : count).toList();
        jdbc.batchUpdate("UPDATE person_directory SET last_invited_at = now() WHERE person_id = ?",
                chosen.stream().map(p -> new Object[] {p.personId()}).toList());
        return chosen;
    }
}
