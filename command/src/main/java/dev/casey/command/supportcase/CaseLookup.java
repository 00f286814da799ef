package dev.casey.command.supportcase;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Finds a case by one of the keys {@link CaseKeys} issued. */
@Component
public class CaseLookup {

    private final JdbcTemplate jdbc;

    CaseLookup(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<UUID> byConfirmationCode(String code) {
        List<UUID> found = jdbc.queryForList("SELECT case_id FROM case_confirmation_code WHERE code = ?", UUID.class, code);
        return found.stream().findFirst();
    }

    public Optional<UUID> byReference(String reference) {
        List<UUID> found = jdbc.queryForList("SELECT case_id FROM case_reference WHERE reference = ?", UUID.class, reference);
        return found.stream().findFirst();
    }
}
