package dev.casey.mailgateway.inbound;

import dev.casey.api.common.EmailAddresses;
import dev.casey.mailgateway.cases.MailDirectory;
import dev.casey.mailgateway.outbound.MailKind;
import dev.casey.mailgateway.outbox.Outbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Finds the case a mail belongs to: by our Message-IDs in In-Reply-To and References first, then by the
 * Message-IDs of mails the case took in, then by the case reference in the subject, then by a plus address
 * ({@code support+TOKEN@…}). A match by a mail the case took in or by reference is accepted only from someone who
 * takes part in the case (or the team); a match by our Message-ID or plus address carries our unguessable token and
 * speaks for the mail's recipient.
 */
@Component
class CaseMatcher {

    /**
     * How a mail was matched to a case, and on whose behalf it is posted; answersConfirmation when it answers the mail
     * that asked the case's creator to confirm it (which proves the address as the code does).
     */
    record Match(UUID caseId, MailDirectory.Recipient as, String how, boolean answersConfirmation) {

        Match(UUID caseId, MailDirectory.Recipient as, String how) {
            this(caseId, as, how, false);
        }
    }

    static final Pattern REFERENCE = Pattern.compile("(?<![0-9A-Z])([2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4})(?![0-9A-Z])");
    private static final String OUR_PREFIX = "casey.";

    private final Outbox outbox;
    private final MailDirectory directory;

    /**
     * How many of a mail's thread ids, case references in its subject and plus-addressed recipients are looked up at
     * most: each is a query, and a mail could name tens of thousands (a References header of 40,000 ids, a subject of
     * references), every one a query in the one transaction of the mail. A real reply names its case in the first few.
     */
    static final int MOST_THREAD_IDS = 100;
    static final int MOST_SUBJECT_REFERENCES = 10;
    static final int MOST_PLUS_TOKENS = 10;

    CaseMatcher(Outbox outbox, MailDirectory directory) {
        this.outbox = outbox;
        this.directory = directory;
    }

    Optional<Match> match(InboundMail mail, String supportAddress, String domain) {
        String sender = mail.from().address();
        List<String> ids = new ArrayList<>(mail.inReplyTo());
        List<String> references = new ArrayList<>(mail.references());
        java.util.Collections.reverse(references);
        ids.addAll(references);
        // each id is a query, and a References header may name thousands: the newest are where a reply's case is
        ids = ids.stream().distinct().limit(MOST_THREAD_IDS).toList();
        for (String id : ids) {
            Optional<Outbox.Addressee> ours = outbox.byMessageId(id);
            if (ours.isPresent()) {
                return Optional.of(onBehalf(ours.get(), sender, "thread"));
            }
        }
        // a reply to a mail that went into a case (a customer adding to their own first mail): theirs, not ours, so it
        // speaks only for someone who takes part
        Map<String, UUID> theirs = directory.casesOfMails(ids);
        for (String id : ids) {
            UUID caseId = theirs.get(id);
            Optional<MailDirectory.Recipient> member = caseId == null ? Optional.empty() : member(caseId, sender);
            if (member.isPresent()) {
                return Optional.of(new Match(caseId, member.get(), "their thread"));
            }
        }
        Matcher reference = REFERENCE.matcher(mail.subject().toUpperCase(Locale.ROOT));
        for (int looked = 0; looked < MOST_SUBJECT_REFERENCES && reference.find(); looked++) {
            Optional<MailDirectory.CaseInfo> found = directory.byReference(reference.group(1));
            if (found.isPresent()) {
                Optional<MailDirectory.Recipient> member = member(found.get().caseId(), sender);
                if (member.isPresent()) {
                    return Optional.of(new Match(found.get().caseId(), member.get(), "reference"));
                }
            }
        }
        for (String token : plusTokens(mail, supportAddress).stream().distinct().limit(MOST_PLUS_TOKENS).toList()) {
            Optional<Outbox.Addressee> ours = outbox.byMessageId(OUR_PREFIX + token + "@" + domain);
            if (ours.isPresent()) {
                return Optional.of(onBehalf(ours.get(), sender, "plus-address"));
            }
        }
        return Optional.empty();
    }

    /** The sender if they take part in the case, else the person our mail went to. */
    private Match onBehalf(Outbox.Addressee ours, String sender, String how) {
        MailDirectory.Recipient as = member(ours.caseId(), sender).orElseGet(() -> member(ours.caseId(), ours.recipient())
                .orElse(new MailDirectory.Recipient(ours.recipient(), ours.recipientName(), false, false)));
        return new Match(ours.caseId(), as, how, MailKind.CONFIRMATION_REQUEST.name().equals(ours.kind()));
    }

    private Optional<MailDirectory.Recipient> member(UUID caseId, String sender) {
        Optional<MailDirectory.Recipient> recipient = directory.recipient(caseId, sender);
        if (recipient.isPresent() || !directory.isActiveTeamMember(sender)) {
            return recipient;
        }
        return Optional.of(new MailDirectory.Recipient(sender, null, true, false));
    }

    /** Tokens from addresses like {@code support+TOKEN@domain} among the recipients of the mail. */
    static List<String> plusTokens(InboundMail mail, String supportAddress) {
        List<String> tokens = new ArrayList<>();
        List<MailAddress> recipients = new ArrayList<>(mail.to());
        recipients.addAll(mail.cc());
        String delivered = mail.headers().get("Delivered-To");
        if (delivered != null && delivered.contains("@")) {
            recipients.add(new MailAddress(delivered.trim(), null));
        }
        for (MailAddress address : recipients) {
            EmailAddresses.plusToken(address.address(), supportAddress).ifPresent(tokens::add);
        }
        return tokens;
    }
}
