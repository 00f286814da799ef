package dev.casey.query.person;

import dev.casey.api.person.FetchPersonQuery;
import dev.casey.api.person.FetchPersonsQuery;
import dev.casey.api.person.PersonList;
import dev.casey.api.person.PersonView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Answers the person queries from {@code person_view}. */
@Component
class PersonQueries {

    private static final String COLUMNS = "SELECT person_id, name, email, team, retired, registered_at, updated_at FROM person_view";

    private final JdbcTemplate jdbc;

    PersonQueries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @QueryHandler
    Optional<PersonView> handle(FetchPersonQuery query) {
        return jdbc.query(COLUMNS + " WHERE person_id = ?", PersonQueries::person, query.personId()).stream().findFirst();
    }

    @QueryHandler
    PersonList handle(FetchPersonsQuery query) {
        if (query.team() == null) {
            return new PersonList(jdbc.query(COLUMNS + " ORDER BY lower(name), person_id", PersonQueries::person));
        }
        return new PersonList(jdbc.query(COLUMNS + " WHERE team = ? ORDER BY lower(name), person_id",
                PersonQueries::person, query.team()));
    }

    private static PersonView person(ResultSet rs, int row) throws SQLException {
        return new PersonView(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                rs.getBoolean(5), rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant());
    }
}
