package dev.casey.command.person;

import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.EmailAddresses;
import dev.casey.api.common.ErrorCode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Who is registered under which e-mail address, owned by the write side. The unique index on the
 * address key settles races between two registrations of the same address: the second transaction
 * fails and its command is refused.
 */
@Component
public class PersonDirectory {

    /** A registered person as the write side needs to know them. */
    public record Entry(UUID personId, String email, String name, boolean team, boolean retired) {

        public boolean activeTeamMember() {
            return team && !retired;
        }
    }

    private static final String COLUMNS = "SELECT person_id, email, name, team, retired FROM person_directory";

    private final JdbcTemplate jdbc;

    public PersonDirectory(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Entry> findByEmail(String email) {
        return jdbc.query(COLUMNS + " WHERE email_key = ?", PersonDirectory::entry, EmailAddresses.key(email)).stream()
                .findFirst();
    }

    /** True when the address belongs to someone other than the given person (null: anyone). */
    public boolean isTaken(String email, UUID exceptPersonId) {
        return findByEmail(email).filter(e -> !e.personId().equals(exceptPersonId)).isPresent();
    }

    /** A person registered under this support address or one of its plus-addresses, if there is one. */
    public Optional<Entry> findHolderOfSupportAddress(String supportAddress) {
        String key = EmailAddresses.key(supportAddress);
        int at = key.lastIndexOf('@');
        if (at < 0) {
            return Optional.empty();
        }
        String plus = like(key.substring(0, at)) + "+%@" + like(key.substring(at + 1));
        return jdbc.query(COLUMNS + " WHERE email_key = ? OR email_key LIKE ? ESCAPE '\\' ORDER BY email_key",
                        PersonDirectory::entry, key, plus).stream()
                .filter(entry -> EmailAddresses.isSupportAddress(entry.email(), supportAddress)).findFirst();
    }

    private static Entry entry(ResultSet rs, int row) throws SQLException {
        return new Entry(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                rs.getBoolean(5));
    }

    private static String like(String literal) {
        return literal.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    void insert(UUID personId, String email, String name, boolean team) {
        try {
            jdbc.update("INSERT INTO person_directory (person_id, email_key, email, name, team) VALUES (?, ?, ?, ?, ?)",
                    personId, EmailAddresses.key(email), email, name, team);
        } catch (DuplicateKeyException e) {
            throw taken(email);
        }
    }

    void update(UUID personId, String email, String name, boolean team) {
        try {
            jdbc.update("""
                    UPDATE person_directory SET email_key = ?, email = ?, name = ?, team = ?,
                           retired = CASE WHEN ? THEN FALSE ELSE retired END
                     WHERE person_id = ?""",
                    EmailAddresses.key(email), email, name, team, team, personId);
        } catch (DuplicateKeyException e) {
            throw taken(email);
        }
    }

    void retire(UUID personId) {
        jdbc.update("UPDATE person_directory SET team = FALSE, retired = TRUE WHERE person_id = ?", personId);
    }

    static CaseyRefusal taken(String email) {
        return new CaseyRefusal(ErrorCode.EMAIL_ALREADY_REGISTERED,
                "a person with the e-mail address " + email + " is already registered", "email");
    }
}
