package dev.casey.mailgateway.outbound;

import dev.casey.api.common.EmailAddresses;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Our Message-IDs ({@code casey.<26 base32 chars>@domain}), whose random part doubles as an unguessable token. */
public final class MessageIds {

    /** Prefix of the local part of every Message-ID we generate. */
    public static final String PREFIX = "casey.";
    /** Length of the random part (26 base32 characters, 130 bits). */
    public static final int TOKEN_LENGTH = 26;

    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ATEXT = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+");
    private static final Pattern OURS = Pattern.compile(
            Pattern.quote(PREFIX) + "([a-z2-7]{" + TOKEN_LENGTH + "})@(.+)", Pattern.CASE_INSENSITIVE);

    private MessageIds() {
    }

    /** A new Message-ID (without angle brackets) at {@code domain}: {@code casey.<26 random base32 chars>@domain}, lower-case. */
    public static String newMessageId(String domain) {
        String d = requireDomain(domain);
        StringBuilder b = new StringBuilder(PREFIX.length() + TOKEN_LENGTH + 1 + d.length()).append(PREFIX);
        for (int i = 0; i < TOKEN_LENGTH; i++) {
            b.append(BASE32[RANDOM.nextInt(BASE32.length)]);
        }
        return b.append('@').append(d).toString();
    }

    /**
     * The random part of one of our Message-IDs at {@code domain} (lower-case), or empty when the id is
     * not ours. Surrounding white space and one pair of angle brackets are ignored, as is case.
     */
    public static Optional<String> token(String messageId, String domain) {
        if (domain == null) {
            return Optional.empty();
        }
        return parse(messageId).filter(p -> p[1].equalsIgnoreCase(domain.trim())).map(p -> p[0]);
    }

    /**
     * The random part of a Message-ID shaped like ours ({@code casey.} + 26 base32 chars), whatever its
     * domain. Prefer {@link #token(String, String)}, which also checks that the id is at our domain.
     */
    public static Optional<String> token(String messageId) {
        return parse(messageId).map(p -> p[0]);
    }

    /** The domain of our Message-IDs: {@code mainDomain} when set, else the domain of the support address; lower-case. */
    public static String domainOf(String supportAddress, String mainDomain) {
        if (mainDomain != null && !mainDomain.isBlank()) {
            return requireDomain(mainDomain);
        }
        return MailText.domain(MailText.requireAddress(supportAddress, "support address"));
    }

    /**
     * The id if it can go between angle brackets in Message-ID, In-Reply-To and References: exactly
     * one {@code @}, something on both sides, only RFC 5322 atext and dots (so no white space, no
     * brackets, no quotes); else IllegalArgumentException.
     */
    public static String requireValid(String messageId, String what) {
        if (messageId == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (!isValid(messageId)) {
            throw new IllegalArgumentException(
                    what + " must be id-left@id-right without brackets or spaces: '" + MailText.printable(messageId) + "'");
        }
        return messageId;
    }

    /** Whether {@link #requireValid} takes the id. */
    public static boolean isValid(String messageId) {
        if (messageId == null) {
            return false;
        }
        int at = messageId.indexOf('@');
        return at > 0 && at == messageId.lastIndexOf('@') && at < messageId.length() - 1 && messageId.length() <= 250
                && ATEXT.matcher(messageId.substring(0, at)).matches()
                && ATEXT.matcher(messageId.substring(at + 1)).matches();
    }

    private static Optional<String[]> parse(String messageId) {
        if (messageId == null) {
            return Optional.empty();
        }
        String id = messageId.trim();
        if (id.length() >= 2 && id.startsWith("<") && id.endsWith(">")) {
            id = id.substring(1, id.length() - 1).trim();
        }
        var m = OURS.matcher(id);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new String[] {m.group(1).toLowerCase(Locale.ROOT), m.group(2)});
    }

    private static String requireDomain(String domain) {
        if (domain == null || !EmailAddresses.isDomainName(domain.trim())) {
            throw new IllegalArgumentException("not a domain name: '" + MailText.printable(domain) + "'");
        }
        return domain.trim().toLowerCase(Locale.ROOT);
    }
}
