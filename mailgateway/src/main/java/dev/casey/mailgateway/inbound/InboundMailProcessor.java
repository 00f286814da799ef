package dev.casey.mailgateway.inbound;

import dev.casey.api.common.Actor;
import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.EmailAddresses;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.common.LostRaces;
import dev.casey.api.common.Source;
import dev.casey.api.settings.Setting;
import dev.casey.api.settings.Settings;
import dev.casey.api.supportcase.AttachmentRef;
import dev.casey.api.supportcase.CaseLimits;
import dev.casey.api.supportcase.ConfirmCaseByReplyCommand;
import dev.casey.api.supportcase.OpenCaseCommand;
import dev.casey.api.supportcase.PostMessageCommand;
import dev.casey.api.supportcase.PostOutcome;
import dev.casey.api.supportcase.RecordAutomaticReplyCommand;
import dev.casey.api.supportcase.RecordMailBounceCommand;
import dev.casey.api.supportcase.RecordMailHeldBackCommand;
import dev.casey.mailgateway.MailSettings;
import dev.casey.mailgateway.outbound.MailComposer;
import dev.casey.mailgateway.outbox.Outbox;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.AxonTransientException;
import org.axonframework.lifecycle.ShutdownInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one way in for mail, from IMAP and from HTTP alike: parse, drop duplicates, note bounces,
 * our own mail coming back and automatic mail without answering them, hold back runaway senders,
 * then post to the matching case or open a new one. The log entry and the command commit together,
 * so a mail is either handled completely or not at all (and then handled again later).
 */
@Component
public class InboundMailProcessor {

    /** Where a mail came from. */
    public enum Via { IMAP, HTTP }

    /** What became of a mail. */
    public enum Outcome {
        POSTED, OPENED, DUPLICATE, AUTOMATIC, BOUNCE, OWN_MAIL, RATE_LIMITED, REFUSED, QUARANTINED;

        /** True when the mail is done with: it can be marked processed where it came from. */
        public boolean handled() {
            return this != QUARANTINED;
        }

        /** True when an operator may have the mail handled again: it went nowhere yet. */
        public boolean retriable() {
            return this == QUARANTINED || this == RATE_LIMITED;
        }
    }

    /**
     * The outcome for one mail, with its case when there is one, and the record of it in the inbound log (for a
     * duplicate: the earlier mail's).
     */
    public record Result(Outcome outcome, UUID caseId, String detail, UUID mail) {
    }

    /**
     * A mail as it came in; {@code retryOf}: the record an operator's retry took it up from, else null; {@code whole}:
     * false when only its header was read.
     */
    private record Received(byte[] raw, Via via, UUID retryOf, boolean whole) {
    }

    private static final Duration RATE_WINDOW = Duration.ofHours(1);
    static final int RACE_ATTEMPTS = 8;
    /** The attachment that holds the whole text of a mail cut down to what a message keeps. */
    static final String WHOLE_TEXT = "message.txt";
    /** The length of inbound_mail.dedupe_key. */
    private static final int MAX_KEY = 255;
    /** What a quarantine keeps of the failure that put a mail there. */
    private static final int MAX_DETAIL = 1000;
    /** A case reference in a subject's tag, in upper or lower case letters: see {@link #newCaseSubject}. */
    private static final Pattern TAGGED_REFERENCE = Pattern.compile(CaseMatcher.REFERENCE.pattern(),
            Pattern.CASE_INSENSITIVE);
    private static final Pattern GRAPHEME = Pattern.compile("\\X");
    /**
     * How much of a subject {@link #newCaseSubject} looks at: a case keeps {@value CaseLimits#MAX_SUBJECT_LENGTH}
     * characters of it, and the prefixes and tags before those fill a few lines at most in any real mail.
     */
    static final int SUBJECT_LOOKED_AT = 8192;
    private static final Actor MAIL = Actor.system("mail");
    private static final Logger log = LoggerFactory.getLogger(InboundMailProcessor.class);

    private final MailSettings settings;
    private final InboundLog inbound;
    private final CaseMatcher matcher;
    private final AttachmentStore attachments;
    private final Outbox outbox;
    private final CommandGateway commands;
    private final TransactionTemplate transactions;
    private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
    private final AtomicLong lastFloodWarning = new AtomicLong();

    InboundMailProcessor(MailSettings settings, InboundLog inbound, CaseMatcher matcher, AttachmentStore attachments,
                         Outbox outbox, CommandGateway commands, TransactionTemplate transactions) {
        this.settings = settings;
        this.inbound = inbound;
        this.matcher = matcher;
        this.attachments = attachments;
        this.outbox = outbox;
        this.commands = commands;
        this.transactions = transactions;
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, new LongAdder());
        }
    }

    /**
     * Handles one raw mail. Throws only when it could not be handled now (the database is away, see
     * {@link #isTemporary}): then nothing was recorded and the caller should offer it again later.
     */
    public Result receive(byte[] raw, Via via) {
        return counted(handledOrKeptAside(new Received(raw, via, null, true)));
    }

    /**
     * The answer to a mail recorded before under this Message-ID from this sender: a duplicate of it, with its case;
     * empty when no such mail came (another sender's mail under it is no earlier record of this one).
     */
    public Optional<Result> earlierFrom(String messageId, String sender) {
        return inbound.earlier(messageIdKey(messageId), sender)
                .map(earlier -> counted(duplicateOf(earlier, "seen before")));
    }

    /**
     * Records a mail too large to read (over {@code mailMaxBytes}) by its header: it is left unread where it came from
     * (the IMAP quarantine folder), to be read once a larger limit lets it in, and cannot be retried from here. Such a
     * mail seen again is recorded once. Throws only when it could not be recorded now.
     */
    public Result tooLarge(byte[] header, long size, Via via) {
        Settings current = settings.current();
        return keptByHeader("too-large", header, "message of " + size + " bytes exceeds the limit of "
                + current.integer(Setting.MAIL_MAX_BYTES) + " bytes (mailMaxBytes): left unread in the mailbox's "
                + "quarantine folder, only its header kept here", via);
    }

    /** The kind of key of a mail the mailbox quarantined unread ({@link #quarantinedUnread}). */
    static final String UNREAD = "unread";

    /**
     * Records a mail the mailbox moved to its quarantine folder because it could not be read or handled, {@code why},
     * by its header: so it is listed with the mails quarantined here, though it cannot be retried from here (the
     * mailbox keeps it; moved back to the inbox without its quarantine keyword, it is read again). Such a mail seen
     * again is recorded once. Throws when it could not be recorded.
     */
    public Result quarantinedUnread(byte[] header, long size, String why, Via via) {
        return keptByHeader(UNREAD, header, "message of " + size + " bytes " + why + ": moved to the mailbox's "
                + "quarantine folder, only its header kept here", via);
    }

    private Result keptByHeader(String kind, byte[] header, String detail, Via via) {
        InboundMail mail = null;
        try {
            mail = new InboundMailParser(header.length + 1L, 0).parse(header);
        } catch (UnparseableMailException e) {
            log.debug("The header of a mail kept by its header alone cannot be parsed", e);
        }
        // a key of its own: read whole later, the mail is handled as any other, not taken for a duplicate of this
        // (without a header, read or not, every such mail would share one key: each gets a record of its own)
        String key = header.length == 0 ? kind + ":" + UUID.randomUUID() : kind + ":sha256:" + sha256(header);
        Received received = new Received(header, via, null, false);
        InboundMail parsed = mail;
        Result recorded = once(() -> parsed == null ? record(key, null, null, null, received, Outcome.QUARANTINED,
                detail, null) : record(key, parsed, received, Outcome.QUARANTINED, detail, null), key);
        // seen before (its move failed, or it was moved back while still too large): recorded then
        return counted(new Result(Outcome.QUARANTINED, null, detail, recorded.mail()));
    }

    /**
     * Handles a quarantined or held-back mail again, as if it arrived now, for an operator (who released it: it is not
     * held back again). Its record stays as it was, and the new one names it. Refuses, with
     * {@link ErrorCode#MAIL_NOT_FOUND} or {@link ErrorCode#MAIL_NOT_RETRIABLE}, a mail that is not there, went somewhere
     * already, or was retried already.
     */
    public Result retry(UUID record) {
        InboundLog.Kept kept = transactions.execute(tx -> inbound.takeUpForRetry(record));
        log.info("Inbound mail {} is handled again at an operator's request", record);
        return counted(handledOrKeptAside(new Received(kept.raw(), kept.via(), record, true)));
    }

    /**
     * Handles the mail, or quarantines it, whole, when handling it failed for a reason of its own: a mail that
     * overflows the stack or meets a bug fails the same way every time, and offered again and again (IMAP leaves it in
     * the inbox) it would keep every mail behind it waiting. Only a failure of the moment ({@link #isTemporary}) is
     * thrown, for the mail to be offered again; during a database outage nothing is quarantined, as recording the
     * quarantine needs the database too.
     */
    private Result handledOrKeptAside(Received received) {
        try {
            return handle(received);
        } catch (RuntimeException | StackOverflowError e) {
            if (isTemporary(e)) {
                throw e;
            }
            // the message may quote the mail: no character PostgreSQL refuses in text (NUL)
            String detail = ("cannot be handled: " + e.getClass().getName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())).replaceAll("\\p{Cntrl}+", " ");
            log.error("Inbound mail ({} bytes, via {}) quarantined: handling it failed for a reason of its own",
                    received.raw().length, received.via(), e);
            // nothing parsed from it is stored: that may be what failed
            String rawKey = "sha256:" + sha256(received.raw());
            return once(() -> record(rawKey, null, null, null, received, Outcome.QUARANTINED,
                    detail.length() <= MAX_DETAIL ? detail : cut(detail, MAX_DETAIL), null), rawKey);
        }
    }

    /**
     * Whether a failure to handle a mail is one of the moment, after which the same mail may well go through: the
     * database or a transaction failed (away, timed out, a lock, a connection lost), a command lost a race for its
     * case more often than it is tried again, or the service is shutting down (Axon calls that no transient failure,
     * but the mail goes through after the restart). Any other failure (a StackOverflowError, a bug met by this mail's content)
     * comes back whenever the mail is handled.
     */
    public static boolean isTemporary(Throwable failure) {
        if (LostRaces.lostARace(failure)) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException || t instanceof DataAccessException || t instanceof TransactionException
                    || t instanceof AxonTransientException || t instanceof ShutdownInProgressException
                    || t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    private Result counted(Result result) {
        outcomes.get(result.outcome()).increment();
        return result;
    }

    /** How many mails ended in each outcome since this instance started (for metrics). */
    public Map<Outcome, Long> outcomeCounts() {
        Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
        outcomes.forEach((outcome, count) -> counts.put(outcome, count.sum()));
        return counts;
    }

    private Result handle(Received received) {
        byte[] raw = received.raw();
        Settings current = settings.current();
        InboundMail mail;
        try {
            mail = new InboundMailParser(current.integer(Setting.MAIL_MAX_BYTES),
                    current.integer(Setting.MAIL_ATTACHMENT_MAX_BYTES)).parse(raw);
        } catch (UnparseableMailException e) {
            String key = "sha256:" + sha256(raw);
            return once(() -> record(key, null, null, null, received, Outcome.QUARANTINED,
                    "unparseable: " + e.getMessage(), null), key);
        }
        String key = mail.messageId() != null ? messageIdKey(mail.messageId()) : "sha256:" + sha256(raw);
        Optional<Result> earlier = inbound.earlier(key);
        if (earlier.isPresent()) {
            return duplicateOf(earlier.get(), "seen before");
        }
        Optional<MailAddress> visitor = visitor(mail, current);
        try {
            return once(() -> visitor.isPresent() ? fromForm(mail.writtenBy(visitor.get()), mail.from(), received, key,
                    current) : decide(mail, received, key, current, true), key);
        } catch (RuntimeException e) {
            Optional<String> unstorable = unstorable(e);
            if (unstorable.isPresent()) {
                // it would fail the same way at every poll, and every mail behind it would wait: kept aside, whole
                log.warn("Mail {} from {} quarantined: a value of it cannot be stored ({})", mail.messageId(),
                        sender(mail), unstorable.get());
                String rawKey = "sha256:" + sha256(raw);
                return once(() -> record(rawKey, null, null, null, received, Outcome.QUARANTINED,
                        "cannot be stored: " + unstorable.get(), null), rawKey);
            }
            CaseyRefusal refusal = causeOf(e, CaseyRefusal.class);
            if (refusal == null) {
                throw e;
            }
            String detail = refusal.code() + ": " + refusal.getMessage();
            log.info("Mail {} from {} refused: {}", mail.messageId(), sender(mail), detail);
            return once(() -> record(key, mail, received, Outcome.REFUSED, detail, null), key);
        }
    }

    /**
     * Runs the work in one transaction: what a mail does (its attachments, its command, its log entry) is recorded
     * together or not at all. A command that loses a race for its case rolls the whole transaction back (see
     * {@link LostRaces#IN_SENDERS_TRANSACTION}); then the whole work runs again, up to {@value #RACE_ATTEMPTS} times.
     */
    private Result once(java.util.function.Supplier<Result> work, String key) {
        try {
            return LostRaces.retried(RACE_ATTEMPTS, () -> transactions.execute(tx -> work.get()));
        } catch (RuntimeException raced) {
            // the same mail, recorded meanwhile by another poller, request or retry: its record (the duplicate key) or
            // its case (opened already) was in the way; any other failure, or another key, is no duplicate of it
            Optional<Result> earlier = inbound.earlier(key);
            if (earlier.isEmpty()) {
                throw raced;
            }
            return duplicateOf(earlier.get(), "handled concurrently");
        }
    }

    /** A mail that came before: the case it went to, so that a sender trying again learns it too. */
    private static Result duplicateOf(Result earlier, String how) {
        String was = earlier.outcome() == Outcome.DUPLICATE ? "" : ", " + earlier.outcome().name().toLowerCase(Locale.ROOT);
        return new Result(Outcome.DUPLICATE, earlier.caseId(), how + was, earlier.mail());
    }

    /** Sends a command that joins this mail's transaction (see {@link #once}) and waits for it. */
    private <R> R send(Object command) {
        return commands.sendAndWait(GenericCommandMessage.asCommandMessage(command)
                .andMetaData(Map.of(LostRaces.IN_SENDERS_TRANSACTION, true)));
    }

    /**
     * Who a web form's mail is from: the mailbox in its Reply-To, when its From is one of {@code mailFormSenders}
     * (the form's robot writes in the name of whoever filled the form in).
     */
    private static Optional<MailAddress> visitor(InboundMail mail, Settings current) {
        if (mail.from() == null || mail.deliveryReport() != null) {
            return Optional.empty();
        }
        String from = EmailAddresses.key(mail.from().address());
        if (current.addresses(Setting.MAIL_FORM_SENDERS).stream().map(EmailAddresses::key).noneMatch(from::equals)) {
            return Optional.empty();
        }
        return mail.replyTo().stream().filter(a -> EmailAddresses.isValid(a.address())).findFirst();
    }

    /**
     * A mail a web form sent for a visitor: the address they typed in is no proof that they are its owner, so it
     * opens a case of its own and is never put into one (with {@code caseConfirmation}, the owner confirms it).
     */
    private Result fromForm(InboundMail mail, MailAddress form, Received received, String key, Settings current) {
        log.info("Mail {} from the web form {} taken as from {}", mail.messageId(), form.address(),
                mail.from().address());
        return decide(mail, received, key, current, false);
    }

    /** What the mail does; {@code matching}: whether it may go into a case it matches. */
    private Result decide(InboundMail mail, Received received, String key, Settings current, boolean matching) {
        if (mail.from() == null || !EmailAddresses.isValid(mail.from().address())) {
            // nobody to answer or to attribute it to: a person has to look at it
            return record(key, mail, received, Outcome.QUARANTINED, "no usable sender address"
                    + (mail.from() == null ? "" : " (" + mail.from().address() + ")"), null);
        }
        if (mail.deliveryReport() != null) {
            return bounce(mail, received, key);
        }
        Optional<Result> own = ownMailComingBack(mail, received, key, current);
        if (own.isPresent()) {
            return own.get();
        }
        Optional<Result> forged = unauthenticated(mail, received, key, current);
        if (forged.isPresent()) {
            return forged.get();
        }
        String sender = mail.from().address();
        Optional<CaseMatcher.Match> match = matching
                ? matcher.match(mail, current.mailAddress(), MailSettings.domain(current)) : Optional.empty();
        int limit = current.integer(Setting.MAIL_RATE_LIMIT);
        // an operator who has a held-back mail handled again released it
        if (received.retryOf() == null && inbound.countFrom(sender, Instant.now().minus(RATE_WINDOW)) >= limit) {
            String reason = "more than " + limit + " mails from this sender in an hour (mailRateLimit)";
            log.warn("Mail from {} held back: {}", sender, reason);
            match.ifPresent(m -> send(new RecordMailHeldBackCommand(m.caseId(), sender, mail.subject(),
                    reason, mail.messageId(), MAIL, Source.MAIL)));
            return record(key, mail, received, Outcome.RATE_LIMITED, reason,
                    match.map(CaseMatcher.Match::caseId).orElse(null));
        }
        // a subject alone tells an out-of-office reply only in answer to a case: a new mail may well be about one
        AutoReply automatic = mail.autoReply() == AutoReply.AUTO_REPLY_SUBJECT && match.isEmpty() ? AutoReply.NONE
                : mail.autoReply();
        if (automatic != AutoReply.NONE) {
            match.ifPresent(m -> send(new RecordAutomaticReplyCommand(m.caseId(), sender, mail.subject(),
                    automatic.name().toLowerCase(), mail.messageId(), MAIL, Source.MAIL)));
            return record(key, mail, received, Outcome.AUTOMATIC, automatic.name(),
                    match.map(CaseMatcher.Match::caseId).orElse(null));
        }
        Text text = text(mail, current);
        if (match.isPresent()) {
            UUID caseId = match.get().caseId();
            String as = match.get().as().email();
            if (match.get().answersConfirmation()) {
                send(new ConfirmCaseByReplyCommand(caseId, as, Actor.person(name(mail), sender), Source.MAIL));
            }
            PostOutcome outcome = send(new PostMessageCommand(caseId, derived("message", key), as,
                    match.get().as().name(), text.kept(), mail.messageId(), store(caseId, key, mail, text),
                    Actor.person(name(mail), sender), Source.MAIL));
            if (outcome == PostOutcome.REFUSED) {
                return record(key, mail, received, Outcome.REFUSED, "the case is closed and may not be reopened, or is "
                        + "unconfirmed; kept in its history as refused", caseId);
            }
            return record(key, mail, received, Outcome.POSTED, "matched by " + match.get().how(), caseId);
        }
        if (!current.bool(Setting.MAIL_OPEN_CASES)) {
            return record(key, mail, received, Outcome.REFUSED, "matches no case, and mail does not open cases", null);
        }
        int caseLimit = current.integer(Setting.MAIL_CASE_RATE_LIMIT);
        if (received.retryOf() == null && inbound.countOpened(Instant.now().minus(RATE_WINDOW), caseLimit) >= caseLimit) {
            String reason = "more than " + caseLimit + " cases opened by mail in an hour (mailCaseRateLimit)";
            warnOfFlood(reason);
            return record(key, mail, received, Outcome.RATE_LIMITED, reason, null);
        }
        UUID caseId = derived("case", key);
        String subject = newCaseSubject(mail.subject());
        send(new OpenCaseCommand(caseId, subject, name(mail), sender, text.kept(), derived("message", key),
                null, null, null, mail.messageId(), store(caseId, key, mail, text), Actor.person(name(mail), sender),
                Source.MAIL));
        return record(key, mail, received, Outcome.OPENED, null, caseId);
    }

    /**
     * A mail whose From the support mailbox's own server found forged ({@code mailAuthservId}): taken as written, it
     * would go into a case as a team member's or a customer's, or have the support address write to whomever it names.
     * Quarantined; an operator who retries it vouches for it.
     */
    private Optional<Result> unauthenticated(InboundMail mail, Received received, String key, Settings current) {
        Optional<String> server = current.text(Setting.MAIL_AUTHSERV_ID);
        if (server.isEmpty() || received.retryOf() != null) {
            return Optional.empty();
        }
        SenderAuthentication.Finding finding = SenderAuthentication.of(mail.authenticationResults(), server.get());
        if (finding.verdict() != SenderAuthentication.Verdict.FAIL) {
            return Optional.empty();
        }
        log.warn("Mail {} from {} quarantined: {} found the sender's address forged ({})", mail.messageId(),
                sender(mail), server.get(), finding.results());
        return Optional.of(record(key, mail, received, Outcome.QUARANTINED, "the sender's address is not authenticated: "
                + finding.results(), null));
    }

    /** Once in {@link #RATE_WINDOW} in the log: a flood would fill it otherwise. */
    private void warnOfFlood(String reason) {
        long now = System.nanoTime();
        long last = lastFloodWarning.get();
        if ((last == 0 || now - last > RATE_WINDOW.toNanos()) && lastFloodWarning.compareAndSet(last, now)) {
            log.warn("New cases by mail are held back: {}; see GET /mail/inbound?outcome=rate_limited", reason);
        } else {
            log.debug("New case by mail held back: {}", reason);
        }
    }

    private Result bounce(InboundMail mail, Received received, String key) {
        DeliveryReport report = mail.deliveryReport();
        String diagnostic = report.toString();
        Optional<Outbox.Addressee> ours = report.originalMessageId() == null ? Optional.empty()
                : outbox.bounced(report.originalMessageId(), diagnostic);
        ours.ifPresent(entry -> send(new RecordMailBounceCommand(entry.caseId(), entry.recipient(),
                entry.messageId(), diagnostic, MAIL, Source.MAIL)));
        return record(key, mail, received, Outcome.BOUNCE, ours.isPresent() ? "bounce of " + ours.get().messageId()
                : "bounce of a mail that is not ours", ours.map(Outbox.Addressee::caseId).orElse(null));
    }

    /**
     * A mail we wrote that reached the support mailbox again: sent from the support address (or a plus-address of
     * it), or carrying one of our Message-IDs (one in the outbox, or one of our form at our domain, also when its
     * outbox row is gone). Posting it would mail everyone again, and that mail would come back too: it is kept and
     * never answered.
     */
    private Optional<Result> ownMailComingBack(InboundMail mail, Received received, String key, Settings current) {
        Optional<Outbox.Addressee> sent = mail.messageId() == null ? Optional.empty()
                : outbox.byMessageId(mail.messageId());
        String why;
        if (sent.isPresent()) {
            why = "our own mail to " + sent.get().recipient() + " came back";
        } else if (EmailAddresses.isSupportAddress(mail.from().address(), current.mailAddress())) {
            why = "sent from the support address";
        } else if (dev.casey.mailgateway.outbound.MessageIds.token(mail.messageId(), MailSettings.domain(current))
                .isPresent()) {
            why = "carries a Message-ID of ours";
        } else {
            return Optional.empty();
        }
        log.warn("Mail {} from {} is Casey's own mail coming back ({}): kept, not posted and not answered; "
                + "look for a forwarding rule or an address that leads back to the support mailbox",
                mail.messageId(), sender(mail), why);
        return Optional.of(record(key, mail, received, Outcome.OWN_MAIL, why,
                sent.map(Outbox.Addressee::caseId).orElse(null)));
    }

    private List<AttachmentRef> store(UUID caseId, String key, InboundMail mail, Text text) {
        List<AttachmentRef> refs = new ArrayList<>();
        for (int i = 0; i < mail.attachments().size(); i++) {
            refs.add(attachments.store(caseId, derived("attachment-" + i, key), mail.attachments().get(i)));
        }
        if (text.whole() != null) {
            refs.add(attachments.store(caseId, derived("attachment-text", key), text.whole()));
        }
        return refs;
    }

    private Result record(String key, InboundMail mail, Received received, Outcome outcome, String detail,
                          UUID caseId) {
        return record(key, mail.messageId(), sender(mail), mail.subject(), received, outcome, detail, caseId);
    }

    private Result record(String key, String messageId, String sender, String subject, Received received,
                          Outcome outcome, String detail, UUID caseId) {
        UUID id = inbound.record(key, messageId, sender, subject, received.via(), outcome, detail, caseId,
                received.raw(), received.retryOf(), received.whole());
        return new Result(outcome, caseId, detail, id);
    }

    /**
     * A mail that opens a case may still carry the reply prefixes and tag of another case (a
     * stranger answering a forwarded mail): the new case gets the subject without them.
     */
    static String newCaseSubject(String subject) {
        // one pass from the front, each prefix and tag read once: rescanning the subject after every one it took off
        // (and a tag pattern backtracking over a bracket left open) took seconds for a subject of a few hundred KB
        String s = subject.length() > SUBJECT_LOOKED_AT ? cut(subject, SUBJECT_LOOKED_AT) : subject;
        int start = 0;
        for (int next = 0; next >= 0; next = afterPrefixOrTag(s, start)) {
            start = next;
            while (start < s.length() && Character.isWhitespace(s.charAt(start))) {
                start++;
            }
        }
        s = s.substring(start).strip();
        if (s.length() > CaseLimits.MAX_SUBJECT_LENGTH) {
            s = cutBetweenCharacters(s, CaseLimits.MAX_SUBJECT_LENGTH - 1).strip() + "…";
        }
        return s.isBlank() ? MailComposer.NO_SUBJECT : s;
    }

    /**
     * Where the reply prefixes ({@code Re:}, {@code AW:} …) or the tag naming a case ({@code [Casey ABCD-EFGH]}) at
     * {@code start} end; -1 when there is neither.
     */
    private static int afterPrefixOrTag(String subject, int start) {
        int afterPrefixes = MailComposer.afterReplyPrefixes(subject, start);
        if (afterPrefixes > start) {
            return afterPrefixes;
        }
        if (start >= subject.length() || subject.charAt(start) != '[') {
            return -1;
        }
        int close = subject.indexOf(']', start);
        int open = subject.indexOf('[', start + 1);
        if (close < 0 || (open >= 0 && open < close)
                || !TAGGED_REFERENCE.matcher(subject).region(start + 1, close).find()) {
            return -1;
        }
        return close + 1;
    }

    /** The text a message keeps and, when the mail's text is longer than a message keeps, the whole of it. */
    private record Text(String kept, InboundAttachment whole) {
    }

    /**
     * A text longer than a message keeps (a pasted log) is cut, saying so, rather than refused: refused, nobody would
     * have seen it. The whole text goes with the message as an attachment, if one that large is kept.
     */
    private static Text text(InboundMail mail, Settings current) {
        String body = body(mail);
        if (body.length() <= CaseLimits.MAX_MESSAGE_LENGTH) {
            return new Text(body, null);
        }
        byte[] whole = body.getBytes(StandardCharsets.UTF_8);
        boolean attached = whole.length <= current.integer(Setting.MAIL_ATTACHMENT_MAX_BYTES);
        String note = "\n\n[Cut here: the text has " + body.length() + " characters, more than a message keeps ("
                + CaseLimits.MAX_MESSAGE_LENGTH + "). " + (attached ? "The whole text is attached as " + WHOLE_TEXT + ".]"
                : "The whole text is in the mail as received, which Casey keeps.]");
        return new Text(cut(body, CaseLimits.MAX_MESSAGE_LENGTH - note.length()) + note,
                new InboundAttachment(WHOLE_TEXT, "text/plain; charset=utf-8", whole.length, attached ? whole : null,
                        null, false, !attached));
    }

    /** The first characters of the text, never half a surrogate pair. */
    private static String cut(String text, int length) {
        int end = Character.isHighSurrogate(text.charAt(length - 1)) ? length - 1 : length;
        return text.substring(0, end);
    }

    /**
     * The first characters of a text people see on one line (a subject, a name), ending between two user-perceived
     * characters (extended grapheme clusters): a flag cut in half shows as a letter in a box, a family emoji loses
     * members, an accent written as a combining mark its letter. A first cluster longer than that is cut as by
     * {@link #cut}.
     */
    private static String cutBetweenCharacters(String text, int length) {
        Matcher cluster = GRAPHEME.matcher(text);
        int end = 0;
        while (cluster.find() && cluster.end() <= length) {
            end = cluster.end();
        }
        return end == 0 ? cut(text, length) : text.substring(0, end);
    }

    private static String body(InboundMail mail) {
        String reply = mail.reply().strip();
        if (!reply.isEmpty()) {
            return reply;
        }
        return mail.attachments().isEmpty() ? "(empty message)" : "(no text; see the attachments)";
    }

    /** The sender's name, cut to what a case keeps of a name (longer, the whole mail was refused). */
    private static String name(InboundMail mail) {
        String name = mail.from().name();
        if (name != null && !name.isBlank()) {
            String line = name.replaceAll("\\p{Cntrl}", " ").strip();
            return line.length() <= CaseLimits.MAX_NAME_LENGTH ? line
                    : cutBetweenCharacters(line, CaseLimits.MAX_NAME_LENGTH).strip();
        }
        return mail.from().address().substring(0, mail.from().address().indexOf('@'));
    }

    private static String sender(InboundMail mail) {
        return mail.from() == null ? null : mail.from().address();
    }

    /**
     * The key a mail is known by: its Message-ID, or for one longer than the key column (a Message-ID may fill a
     * 998-character line) a digest of it, the same for the same Message-ID.
     */
    static String messageIdKey(String messageId) {
        String key = "id:" + messageId;
        return key.length() <= MAX_KEY ? key : "id-sha256:" + sha256(messageId.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What PostgreSQL refuses in the data itself (SQLSTATE class 22, data exception, such as a value too long for its
     * column; class 23, integrity, but for the duplicate key that marks a mail seen before; class 54, a limit such as
     * an index entry's size): no retry stores it.
     */
    private static Optional<String> unstorable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("54")
                        || (sql.getSQLState().startsWith("23") && !sql.getSQLState().equals("23505")))) {
                return Optional.of("SQLSTATE " + sql.getSQLState() + ", " + String.valueOf(sql.getMessage()).lines()
                        .findFirst().orElse(""));
            }
        }
        return Optional.empty();
    }

    /** Ids derived from the mail, so that handling it again (after a crash) gives the same ids. */
    private static UUID derived(String kind, String key) {
        return UUID.nameUUIDFromBytes((kind + "\n" + key).getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] raw) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
