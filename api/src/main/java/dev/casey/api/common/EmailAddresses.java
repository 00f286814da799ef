package dev.casey.api.common;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one place that decides what an e-mail address is: a pragmatic subset of RFC 5322 addr-spec
 * (dot-atom local part, a domain of at least two labels), which is what mail servers accept from
 * customers in practice. Addresses are compared case-insensitively.
 */
public final class EmailAddresses {

    private static final String ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern ADDRESS = Pattern.compile(
            ATOM + "(?:\\." + ATOM + ")*@" + LABEL + "(?:\\." + LABEL + ")+");
    private static final Pattern DOMAIN_NAME = Pattern.compile(LABEL + "(?:\\." + LABEL + ")*");

    private EmailAddresses() {
    }

    /** True when the value is a syntactically valid address of at most 254 characters. */
    public static boolean isValid(String value) {
        return value != null && value.length() <= 254 && ADDRESS.matcher(value).matches()
                && value.indexOf('@') <= 64;
    }

    /** True for a host name of one or more labels ({@code localhost} too), at most 253 characters: what may follow the @. */
    public static boolean isDomainName(String value) {
        return value != null && value.length() <= 253 && DOMAIN_NAME.matcher(value).matches();
    }

    /** The comparison key of an address: trimmed and lower-cased. */
    public static String key(String address) {
        return address.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether the address is the support address itself or one of its plus-addresses
     * ({@code support+anything@domain}), compared by their keys. Mail to such an address lands in the
     * support mailbox, so Casey would read what it wrote as a new message: a mail loop.
     */
    public static boolean isSupportAddress(String address, String supportAddress) {
        return address != null && supportAddress != null && (key(address).equals(key(supportAddress))
                || plusToken(address, supportAddress).isPresent());
    }

    /**
     * The token of a plus-address of the support address ({@code support+TOKEN@domain} gives {@code token}, lower-case);
     * empty for any other address.
     */
    public static Optional<String> plusToken(String address, String supportAddress) {
        if (address == null || supportAddress == null || address.lastIndexOf('@') < 0
                || supportAddress.lastIndexOf('@') < 0) {
            return Optional.empty();
        }
        String key = key(address);
        String support = key(supportAddress);
        String local = key.substring(0, key.lastIndexOf('@'));
        String supportLocal = support.substring(0, support.lastIndexOf('@'));
        if (!domain(key).equals(domain(support)) || !local.startsWith(supportLocal + "+")) {
            return Optional.empty();
        }
        return Optional.of(local.substring(supportLocal.length() + 1));
    }

    /**
     * The refusal of the support address (or a plus-address of it) as someone Casey writes to or on behalf of, naming
     * the field: wherever such an address comes in, it is refused in the same words.
     */
    public static CaseyRefusal supportAddressRefused(String field, String supportAddress) {
        return new CaseyRefusal(ErrorCode.SUPPORT_ADDRESS, field + " must not be the support address " + supportAddress
                + " or one of its plus-addresses: Casey would mail itself", field);
    }

    /** The address trimmed, when valid. */
    public static Optional<String> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String trimmed = value.trim();
        return isValid(trimmed) ? Optional.of(trimmed) : Optional.empty();
    }

    /** The domain part of a valid address. */
    public static String domain(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }
}
