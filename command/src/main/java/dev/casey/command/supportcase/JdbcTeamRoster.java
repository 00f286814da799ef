package dev.casey.command.supportcase;

import dev.casey.api.supportcase.Participant;
import java.util.ArrayList;
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
 * behind each other. Inviting some takes the least recently invited members that no concurrent
 * opening holds ({@code SKIP LOCKED}), so simultaneous cases go to different people; only when
 * too few are free does it wait for the others.
 */
@Component
class JdbcTeamRoster implements TeamRoster {

    private static final String ACTIVE_TEAM = """
            SELECT person_id, email, name, email_key FROM person_directory
             WHERE team AND NOT retired
             ORDER BY last_invited_at NULLS FIRST, name, person_id""";

    private final JdbcTemplate jdbc;

    JdbcTeamRoster(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<Participant> invite(int count, Set<String> excludedEmailKeys) {
        if (count <= 0) {
            return candidates(ACTIVE_TEAM, excludedEmailKeys);
        }
        // enough rows for the count even when all excluded addresses are among them
        String limit = " LIMIT " + (count + excludedEmailKeys.size());
        List<Participant> chosen = new ArrayList<>(candidates(ACTIVE_TEAM + limit + " FOR UPDATE SKIP LOCKED",
                excludedEmailKeys));
        if (chosen.size() < count) {
            for (Participant waitedFor : candidates(ACTIVE_TEAM + " FOR UPDATE", excludedEmailKeys)) {
                if (chosen.size() < count && chosen.stream().noneMatch(p -> p.personId().equals(waitedFor.personId()))) {
                    chosen.add(waitedFor);
                }
            }
        }
        List<Participant> invited = List.copyOf(chosen.subList(0, Math.min(count, chosen.size())));
        jdbc.batchUpdate("UPDATE person_directory SET last_invited_at = now() WHERE person_id = ?",
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

    private List<Participant> candidates(String query, Set<String> excludedEmailKeys) {
        return jdbc.query(query, (rs, i) -> excludedEmailKeys.contains(rs.getString(4)) ? null
                        : new Participant(rs.getString(2), rs.getString(3), true, rs.getObject(1, UUID.class)))
                .stream().filter(java.util.Objects::nonNull).toList();
    }
}
