package dev.casey.mailgateway.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.parser.Parser;

/**
 * Checks that a mail names no address but the allowed ones: every header of the message and of every part
 * (RFC 2047-decoded), every part's decoded content (HTML also with entities resolved), and multipart
 * preambles are searched for at signs ({@code @}, full-width {@code ＠}, small {@code ﹫}, {@code %40},
 * {@code &#64;}). Each one must belong to an allowed address, or to a msg-id in {@code Message-ID},
 * {@code In-Reply-To}, {@code References}, {@code Resent-Message-ID} or {@code Content-ID} (at the given
 * domain, when one is given). Usable on any raw mail, e.g. one fetched from GreenMail:
 *
 * <pre>{@code
 * AnonymityAssertions.assertThatMail(raw)
 *         .allows("support@example.com", "some.user@other.tld")
 *         .withMessageIdsAt("support.example.com")
 *         .hasNoForeignAddress();
 * }</pre>
 */
public final class AnonymityAssertions {

    private static final Session SESSION = Session.getInstance(new Properties());
    private static final Set<String> ID_HEADERS =
            Set.of("message-id", "in-reply-to", "references", "resent-message-id", "content-id");
    private static final Pattern MSG_ID = Pattern.compile("<([^<>]*)>");
    private static final Pattern PERCENT_AT = Pattern.compile("%40");
    private static final String ADDRESS_CHARS = "!#$%&'*+/=?^_`{|}~.-";

    private AnonymityAssertions() {
    }

    /** Starts checking the raw bytes of a mail (RFC 5322, as sent or as fetched). */
    public static MailAnonymity assertThatMail(byte[] raw) {
        try {
            return new MailAnonymity(new MimeMessage(SESSION, new ByteArrayInputStream(raw)));
        } catch (MessagingException e) {
            throw new AssertionError("not a parseable mail", e);
        }
    }

    /** Starts checking a parsed mail. */
    public static MailAnonymity assertThatMail(MimeMessage message) {
        return new MailAnonymity(message);
    }

    /** The check of one mail: configure what is allowed, then {@link #hasNoForeignAddress()}. */
    public static final class MailAnonymity {
        private final MimeMessage message;
        private final Set<String> allowed = new LinkedHashSet<>();
        private String messageIdDomain;

        private MailAnonymity(MimeMessage message) {
            this.message = message;
        }

        /** Addresses that may appear anywhere (compared ignoring case), e.g. the support and recipient addresses. */
        public MailAnonymity allows(String... addresses) {
            for (String a : addresses) {
                if (a != null) {
                    allowed.add(a.toLowerCase(Locale.ROOT));
                }
            }
            return this;
        }

        /** Requires every msg-id in the id headers to be at this domain (by default any domain is fine there). */
        public MailAnonymity withMessageIdsAt(String domain) {
            this.messageIdDomain = domain.toLowerCase(Locale.ROOT);
            return this;
        }

        /** Fails, listing where and what, when the mail names anything address-like that is not allowed. */
        public MailAnonymity hasNoForeignAddress() {
            assertThat(foreignAddresses()).as("addresses other than %s (and msg-ids%s) in the mail",
                    allowed, messageIdDomain == null ? "" : " at " + messageIdDomain).isEmpty();
            return this;
        }

        /** What {@link #hasNoForeignAddress()} complains about, as {@code "<where>: <token>"}. */
        public List<String> foreignAddresses() {
            List<String> findings = new ArrayList<>();
            try {
                walk(message, "message", findings);
            } catch (MessagingException | IOException e) {
                throw new AssertionError("cannot read the mail", e);
            }
            return findings;
        }

        private void walk(Part part, String where, List<String> findings) throws MessagingException, IOException {
            for (Header h : Collections.list(part.getAllHeaders())) {
                header(where + " header " + h.getName(), h.getName(), h.getValue(), findings);
            }
            if (part.isMimeType("multipart/*")) {
                MimeMultipart multipart = (MimeMultipart) part.getContent();
                scan(where + " preamble", multipart.getPreamble(), findings);
                for (int i = 0; i < multipart.getCount(); i++) {
                    walk(multipart.getBodyPart(i), where + " part " + (i + 1), findings);
                }
            } else if (part.isMimeType("message/rfc822")) {
                walk((Part) part.getContent(), where + " attached message", findings);
            } else {
                String text = contentAsText(part);
                String type = part.getContentType() == null ? "" : part.getContentType().toLowerCase(Locale.ROOT);
                scan(where + " (" + type.split(";")[0].trim() + ")", text, findings);
                if (type.startsWith("text/html")) {
                    scan(where + " (text/html, entities resolved)", Parser.unescapeEntities(text, false), findings);
                }
            }
        }

        private void header(String where, String name, String value, List<String> findings) {
            String v = MimeUtility.unfold(value == null ? "" : value);
            if (ID_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                Matcher m = MSG_ID.matcher(v);
                while (m.find()) {
                    String id = m.group(1);
                    int at = id.indexOf('@');
                    if (at <= 0 || at != id.lastIndexOf('@')) {
                        findings.add(where + ": malformed msg-id <" + id + ">");
                    } else if (messageIdDomain != null
                            && !id.substring(at + 1).toLowerCase(Locale.ROOT).equals(messageIdDomain)) {
                        findings.add(where + ": msg-id at a foreign domain <" + id + ">");
                    }
                }
                v = m.replaceAll(" ");
            }
            scan(where, v, findings);
            try {
                scan(where + " (decoded)", MimeUtility.decodeText(v), findings);
            } catch (UnsupportedEncodingException e) {
                findings.add(where + ": undecodable " + v);
            }
        }

        private static String contentAsText(Part part) throws MessagingException, IOException {
            Object content = part.getContent();
            if (content instanceof String s) {
                return s;
            }
            try (InputStream in = part.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }

        private void scan(String where, String text, List<String> findings) {
            if (text == null || text.isEmpty()) {
                return;
            }
            String s = PERCENT_AT.matcher(text).replaceAll("@").replace('\uFF20', '@').replace('\uFE6B', '@');
            for (int at = s.indexOf('@'); at >= 0; at = s.indexOf('@', at + 1)) {
                int start = at;
                while (start > 0 && isAddressChar(s.charAt(start - 1))) {
                    start--;
                }
                int end = at + 1;
                while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || ".-".indexOf(s.charAt(end)) >= 0)) {
                    end++;
                }
                String token = s.substring(start, end).replaceAll("\\.+$", "");
                if (!allowed.contains(token.toLowerCase(Locale.ROOT))) {
                    findings.add(where + ": " + (token.equals("@") ? "stray @ in '" + context(s, at) + "'" : token));
                }
            }
        }

        private static boolean isAddressChar(char c) {
            return Character.isLetterOrDigit(c) || ADDRESS_CHARS.indexOf(c) >= 0;
        }

        private static String context(String s, int at) {
            return s.substring(Math.max(0, at - 20), Math.min(s.length(), at + 20)).replaceAll("\\s+", " ");
        }
    }
}
