package dev.casey.query.person;

import dev.casey.api.person.FetchPersonQuery;
import dev.casey.api.person.FetchPersonsQuery;
import dev.casey.api.person.PersonList;
import dev.casey.api.person.PersonView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
        List<String> conditions = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        if (query.team() != null) {
            conditions.add("team = ?");
            args.add(query.team());
        }
        if (query.text() != null) {
            conditions.add("(strpos(lower(name), ?) > 0 OR strpos(lower(email), ?) > 0)");
            args.add(query.text().toLowerCase(Locale.ROOT));
            args.add(query.text().toLowerCase(Locale.ROOT));
        }
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        Long total = jdbc.queryForObject("SELECT count(*) FROM person_view" + where, Long.class, args.toArray());
        args.add(query.size());
        args.add((long) query.page() * query.size());
        List<PersonView> persons = jdbc.query(COLUMNS + where + " ORDER BY lower(name), person_id LIMIT ? OFFSET ?",
                PersonQueries::person, args.toArray());
        return new PersonList(persons, query.page(), query.size(), total == null ? 0 : total);
    }

    private static PersonView person(ResultSet rs, int row) throws SQLException {
        return new PersonView(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                rs.getBoolean(5), rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant());
    }
}
