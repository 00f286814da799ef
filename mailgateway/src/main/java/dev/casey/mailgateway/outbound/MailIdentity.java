package dev.casey.mailgateway.outbound;

import dev.casey.api.common.EmailAddresses;

/**
 * Who Casey is in mail (from configuration): the one support address, the name shown with it and the subject format.
 *
 * @param supportAddress the support address, e.g. {@code support@example.com}; the only sender address
 * @param supportName    shown as {@code "<author> via <support name>"} or alone, e.g. {@code Acme Support}
 * @param subjectFormat  subject of every mail with {@code %prefix%}, {@code %reference%} and {@code %subject%};
 *                       null or blank means {@link #DEFAULT_SUBJECT_FORMAT}
 * @param subjectPrefix  the value of {@code %prefix%}; null means {@link #DEFAULT_SUBJECT_PREFIX}
 */
public record MailIdentity(String supportAddress, String supportName, String subjectFormat, String subjectPrefix) {

    /** The default subject format. */
    public static final String DEFAULT_SUBJECT_FORMAT = "[%prefix% %reference%] %subject%";
    /** The default subject prefix. */
    public static final String DEFAULT_SUBJECT_PREFIX = "Casey";
    /** The default support name. */
    public static final String DEFAULT_SUPPORT_NAME = "Support";

    /** Checks the address; defaults the name, format and prefix; names and prefix become single lines. */
    public MailIdentity {
        supportAddress = MailText.requireAddress(supportAddress, "support address");
        supportName = MailText.name(supportName);
        if (supportName == null) {
            supportName = DEFAULT_SUPPORT_NAME;
        }
        subjectFormat = subjectFormat == null || subjectFormat.isBlank() ? DEFAULT_SUBJECT_FORMAT : subjectFormat;
        subjectPrefix = subjectPrefix == null ? DEFAULT_SUBJECT_PREFIX : MailText.oneLine(subjectPrefix, MailText.MAX_NAME);
    }

    /** An identity with the default subject format and prefix. */
    public static MailIdentity of(String supportAddress, String supportName) {
        return new MailIdentity(supportAddress, supportName, null, null);
    }

    /**
     * Whether {@code address} is the support address or one of its plus-addresses
     * ({@code support+anything@example.com}); local part and domain compared ignoring case.
     */
    public boolean isSupportAddress(String address) {
        return EmailAddresses.isSupportAddress(address, supportAddress);
    }
}
