package dev.casey.command.supportcase;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * References are eight characters from an alphabet without look-alikes (no 0/O, 1/I/L, U), drawn
 * at random: about 6.5e11 possibilities, so a customer cannot reach other cases by counting, and
 * the reference survives being read out on the phone. Both kinds of keys are reserved in tables of
 * the write side, inside the transaction that opens the case.
 */
@Component
class JdbcCaseKeys implements CaseKeys {

    static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final int ATTEMPTS = 20;

    private final JdbcTemplate jdbc;
    private final SecureRandom random = new SecureRandom();

    JdbcCaseKeys(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String newReference(UUID caseId) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            String reference = randomReference();
            int inserted = jdbc.update("INSERT INTO case_reference (reference, case_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    reference, caseId);
            if (inserted == 1) {
                return reference;
            }
            if (!jdbc.queryForList("SELECT 1 FROM case_reference WHERE case_id = ?", Integer.class, caseId).isEmpty()) {
                // another transaction opened this very case (the same idempotency key at the same time)
                throw new AggregateStreamCreationException("case " + caseId + " exists already");
            }
        }
        throw new IllegalStateException("no free case reference after " + ATTEMPTS + " attempts");
    }

    @Override
    public String newConfirmationCode(UUID caseId) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        jdbc.update("INSERT INTO case_confirmation_code (code, case_id) VALUES (?, ?)", code, caseId);
        return code;
    }

    private String randomReference() {
        StringBuilder reference = new StringBuilder(9);
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                reference.append('-');
            }
            reference.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return reference.toString();
    }
}
