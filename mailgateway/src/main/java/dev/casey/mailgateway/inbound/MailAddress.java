package dev.casey.mailgateway.inbound;

/**
 * A mailbox from an address header: the address exactly as written and the decoded display name.
 *
 * @param address the addr-spec, never decoded from encoded words, never null
 * @param name    the display name (RFC 2047 decoded, or taken from a trailing comment), or null
 */
public record MailAddress(String address, String name) {

    public MailAddress {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("address must not be blank");
        }
        name = name == null || name.isBlank() ? null : name;
    }
}
