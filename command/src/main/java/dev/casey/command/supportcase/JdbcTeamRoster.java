package dev.casey.command.supportcase;

import dev.casey.api.supportcase.Participant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The rotation lives in the person directory of the write side and moves in the transaction that
 * invites. Inviting everyone needs no rotation, so it takes no lock: case openings do not queue
 * behind each other. Inviting some locks just the least recently invited members that no concurrent
 * opening holds ({@code SKIP LOCKED}), so simultaneous cases go to different people; only when
 * too few are free does it wait for the others, and then chooses again from what they committed.
 */
@Component
class JdbcTeamRoster implements TeamRoster {

    private static final String ACTIVE_TEAM = """
            SELECT person_id, email, name FROM person_directory
             WHERE team AND NOT retired AND email_key <> ALL (?) AND person_id <> ALL (?)""";
    private static final String ROTATION = " ORDER BY last_invited_at NULLS FIRST, name, person_id";

    private final JdbcTemplate jdbc;

    JdbcTeamRoster(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<Participant> invite(int count, Set<String> excludedEmailKeys, Set<UUID> excludedPersons) {
        Object[] excluded = {excludedEmailKeys.toArray(String[]::new), excludedPersons.toArray(UUID[]::new)};
        if (count <= 0) {
            return candidates(ACTIVE_TEAM + ROTATION, excluded);
        }
        // the excluded are left out in the query, not after it: a row locked and then not invited would be skipped
        // by a concurrent opening all the same
        jdbc.execute("SAVEPOINT team_roster");
        List<Participant> invited = candidates(ACTIVE_TEAM + ROTATION + " LIMIT " + count + " FOR UPDATE SKIP LOCKED",
                excluded);
        if (invited.size() < count) {
            // give back the few it holds, so that two openings waiting for each other's do not deadlock; once every
            // concurrent opening is through, choose afresh: a waiting FOR UPDATE returns rows in the order from before
            jdbc.execute("ROLLBACK TO SAVEPOINT team_roster");
            candidates(ACTIVE_TEAM + " ORDER BY person_id FOR UPDATE", excluded);
            invited = candidates(ACTIVE_TEAM + ROTATION + " LIMIT " + count, excluded);
        }
        jdbc.execute("RELEASE SAVEPOINT team_roster");
        // the time of the update, not of the transaction's start: an opening that waited comes after those it waited for
        jdbc.batchUpdate("UPDATE person_directory SET last_invited_at = clock_timestamp() WHERE person_id = ?",
                invited.stream().map(p -> new Object[] {p.personId()}).toList());
        return invited;
    }

    @Override
    public List<Participant> stillInTeam(List<Participant> members) {
        List<UUID> ids = members.stream().map(Participant::personId).filter(java.util.Objects::nonNull).toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<UUID, Participant> now = new HashMap<>();
        jdbc.query("SELECT person_id, email, name FROM person_directory WHERE team AND NOT retired AND person_id = ANY (?)",
                rs -> {
                    UUID id = rs.getObject(1, UUID.class);
                    now.put(id, new Participant(rs.getString(2), rs.getString(3), true, id));
                }, (Object) ids.toArray(UUID[]::new));
        return ids.stream().map(now::get).filter(java.util.Objects::nonNull).toList();
    }

    private List<Participant> candidates(String query, Object[] excluded) {
        return jdbc.query(query, (rs, i) -> new Participant(rs.getString(2), rs.getString(3), true,
                rs.getObject(1, UUID.class)), excluded);
    }
}
