package dev.casey.command;

import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.EmailAddresses;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.supportcase.CaseLimits;

/** Input checks shared by the aggregates; each failure is a refusal naming its field. */
public final class Refusals {

    public static final int MAX_NAME_LENGTH = CaseLimits.MAX_NAME_LENGTH;

    private Refusals() {
    }

    public static String requireEmail(String value, String field) {
        return EmailAddresses.parse(value).orElseThrow(() -> new CaseyRefusal(ErrorCode.INVALID_VALUE,
                field + " must be a valid e-mail address", field));
    }

    /**
     * The address of someone Casey writes to or on behalf of: valid, and not the support address or one
     * of its plus-addresses, whose mail would come back into the support mailbox as a new message.
     */
    public static String requireParticipantEmail(String value, String field, String supportAddress) {
        String email = requireEmail(value, field);
        if (EmailAddresses.isSupportAddress(email, supportAddress)) {
            throw EmailAddresses.supportAddressRefused(field, supportAddress);
        }
        return email;
    }

    public static String requireText(String value, String field, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new CaseyRefusal(ErrorCode.INVALID_VALUE, field + " must not be empty", field);
        }
        if (value.length() > maxLength) {
            throw new CaseyRefusal(ErrorCode.INVALID_VALUE,
                    field + " must be at most " + maxLength + " characters long", field);
        }
        return value;
    }

    /** A display name: one line, trimmed, bounded. */
    public static String requireName(String value, String field) {
        return requireLine(value, field, MAX_NAME_LENGTH);
    }

    /** A single line of text, trimmed, at most maxLength characters. */
    public static String requireLine(String value, String field, int maxLength) {
        String line = requireText(value, field, maxLength).strip();
        if (line.chars().anyMatch(Character::isISOControl)) {
            throw new CaseyRefusal(ErrorCode.INVALID_VALUE, field + " must be a single line of text", field);
        }
        return line;
    }
}
