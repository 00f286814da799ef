package dev.casey.query.person;

import dev.casey.api.common.EmailAddresses;
import dev.casey.api.person.PersonRegisteredEvent;
import dev.casey.api.person.PersonRetiredFromTeamEvent;
import dev.casey.api.person.PersonUpdatedEvent;
import dev.casey.query.ProcessingGroups;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code person_view} in step with person events, and {@code person_view_address}: every address a person took
 * up, and when. Every time is kept to the millisecond, as the event store keeps it: an event handled live carries
 * more, and a rebuild, reading the events back, would change the views by their microseconds.
 */
@Component
@ProcessingGroup(ProcessingGroups.PERSON_VIEW)
class PersonViewProjector {

    private final JdbcTemplate jdbc;

    PersonViewProjector(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(PersonRegisteredEvent event, @org.axonframework.eventhandling.Timestamp Instant at) {
        Timestamp stored = stored(at);
        jdbc.update("""
                INSERT INTO person_view (person_id, name, email, team, retired, registered_at, updated_at)
                VALUES (?, ?, ?, ?, FALSE, ?, ?) ON CONFLICT (person_id) DO NOTHING""",
                event.personId(), event.name(), event.email(), event.team(), stored, stored);
        tookUp(event.personId(), event.email(), at);
    }

    @EventHandler
    void on(PersonUpdatedEvent event, @org.axonframework.eventhandling.Timestamp Instant at) {
        jdbc.update("""
                UPDATE person_view SET name = ?, email = ?, team = ?, retired = CASE WHEN ? THEN FALSE ELSE retired END,
                       updated_at = ?
                 WHERE person_id = ?""",
                event.name(), event.email(), event.team(), event.team(), stored(at), event.personId());
        tookUp(event.personId(), event.email(), at);
    }

    /** The person holds this address from now on, unless they held it already. */
    private void tookUp(UUID personId, String email, Instant at) {
        String key = EmailAddresses.key(email);
        jdbc.update("""
                INSERT INTO person_view_address (person_id, email_key, held_from)
                SELECT ?, ?, ? WHERE ? IS DISTINCT FROM (SELECT email_key FROM person_view_address WHERE person_id = ?
                                                         ORDER BY held_from DESC LIMIT 1)
                ON CONFLICT DO NOTHING""",
                personId, key, stored(at), key, personId);
    }

    @EventHandler
    void on(PersonRetiredFromTeamEvent event, @org.axonframework.eventhandling.Timestamp Instant at) {
        jdbc.update("UPDATE person_view SET team = FALSE, retired = TRUE, updated_at = ? WHERE person_id = ?",
                stored(at), event.personId());
    }

    private static Timestamp stored(Instant at) {
        return Timestamp.from(at.truncatedTo(ChronoUnit.MILLIS));
    }
}
