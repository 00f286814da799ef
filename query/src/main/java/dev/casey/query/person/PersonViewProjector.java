package dev.casey.query.person;

import dev.casey.api.person.PersonRegisteredEvent;
import dev.casey.api.person.PersonRetiredFromTeamEvent;
import dev.casey.api.person.PersonUpdatedEvent;
import dev.casey.query.ProcessingGroups;
import java.sql.Timestamp;
import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Keeps {@code person_view} in step with person events. */
@Component
@ProcessingGroup(ProcessingGroups.PERSON_VIEW)
class PersonViewProjector {

    private final JdbcTemplate jdbc;

    PersonViewProjector(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(PersonRegisteredEvent event, @org.axonframework.eventhandling.Timestamp Instant at) {
        jdbc.update("""
                INSERT INTO person_view (person_id, name, email, team, retired, registered_at, updated_at)
                VALUES (?, ?, ?, ?, FALSE, ?, ?) ON CONFLICT (person_id) DO NOTHING""",
                event.personId(), event.name(), event.email(), event.team(), Timestamp.from(at), Timestamp.from(at));
    }

    @EventHandler
    void on(PersonUpdatedEvent event, @org.axonframework.eventhandling.Timestamp Instant at) {
        jdbc.update("""
                UPDATE person_view SET name = ?, email = ?, team = ?, retired = CASE WHEN ? THEN FALSE ELSE retired END,
                       updated_at = ?
                 WHERE person_id = ?""",
                event.name(), event.email(), event.team(), event.team(), Timestamp.from(at), event.personId());
    }

    @EventHandler
    void on(PersonRetiredFromTeamEvent event, @org.axonframework.eventhandling.Timestamp Instant at) {
        jdbc.update("UPDATE person_view SET team = FALSE, retired = TRUE, updated_at = ? WHERE person_id = ?",
                Timestamp.from(at), event.personId());
    }
}
