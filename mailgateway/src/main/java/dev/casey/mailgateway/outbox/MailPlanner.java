package dev.casey.mailgateway.outbox;

import dev.casey.api.common.EmailAddresses;
import dev.casey.api.settings.Setting;
import dev.casey.api.settings.Settings;
import dev.casey.mailgateway.MailSettings;
import dev.casey.mailgateway.cases.MailDirectory;
import dev.casey.mailgateway.outbound.MailIdentity;
import dev.casey.mailgateway.outbound.MailKind;
import dev.casey.mailgateway.outbound.MessageIds;
import dev.casey.mailgateway.outbound.OutgoingMail;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Turns a decision to write to someone into a queued mail: drafts it (threaded onto the earlier mails
 * of the case that this recipient has; composed later, see {@link Drafts}), and queues it under an id
 * derived from the event and the recipient, so that one event never queues the same mail twice.
 */
@Component
public class MailPlanner {

    private static final Logger log = LoggerFactory.getLogger(MailPlanner.class);

    static final int QUOTED_MESSAGES = 5;
    /** Of what is kept per unit of work ({@link #perUnitOfWork}). */
    private static final String KEYS = MailPlanner.class.getName() + ".";
    static final int MAX_REFERENCES = 20;
    /**
     * Attachments made of their sender's addresses, by type or name: an attached mail or its headers, a contact card,
     * an invitation, a signature or key (S/MIME, OpenPGP: the certificate names the address), Outlook's TNEF.
     */
    private static final Pattern ADDRESS_TYPES = Pattern.compile("\\s*(?:message/|text/(?:x-)?vcard|text/directory"
            + "|text/(?:x-v)?calendar|text/rfc822-headers|application/(?:vcard|mbox|ics|vnd\\.ms-outlook"
            + "|(?:x-)?pkcs7-(?:signature|mime|certificates)|pkix-cert|x-x509-ca-cert|pgp-(?:keys|signature|encrypted)"
            + "|(?:vnd\\.)?ms-tnef))", Pattern.CASE_INSENSITIVE);
    private static final Pattern ADDRESS_FILES = Pattern.compile(
            ".*(?:\\.(?:eml|msg|mbox|vcf|vcard|ics|vcs|p7s|p7m|p7c|cer|crt|pem|asc|sig|gpg|pgp|tnef)|winmail\\.dat)\\s*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private final MailDirectory directory;
    private final Outbox outbox;
    private final MailSettings settings;
    /** The last team planned for (see {@link #team}). */
    private final AtomicReference<Team> team = new AtomicReference<>();

    MailPlanner(MailDirectory directory, Outbox outbox, MailSettings settings) {
        this.directory = directory;
        this.outbox = outbox;
        this.settings = settings;
    }

    /**
     * What to write: the kind of mail and, for a message, the message; for the acknowledgement of a case, whether a
     * mail opened it (see {@link OutgoingMail#caseOpenedByMail()}).
     */
    public record Letter(MailKind kind, MailDirectory.PostedMessage message, String confirmCode, String reason,
                         boolean caseOpenedByMail, boolean toAuthor) {

        public Letter(MailKind kind, MailDirectory.PostedMessage message, String confirmCode, String reason) {
            this(kind, message, confirmCode, reason, false, false);
        }

        public static Letter of(MailKind kind) {
            return new Letter(kind, null, null, null);
        }

        public static Letter about(MailKind kind, MailDirectory.PostedMessage message) {
            return new Letter(kind, message, null, null);
        }

        /** The acknowledgement of a case to its creator, quoting its first message. */
        public static Letter received(MailDirectory.PostedMessage first, boolean caseOpenedByMail) {
            return new Letter(MailKind.CASE_RECEIVED, first, null, null, caseOpenedByMail, false);
        }

        /** The author's copy of their own message ({@code caseSendCopy}): it carries none of their attachments. */
        public static Letter ownCopy(MailDirectory.PostedMessage message) {
            return new Letter(MailKind.MESSAGE, message, null, null, false, true);
        }
    }

    /** Queues the letter for one recipient of the case; {@code cause} identifies the event. */
    public void write(MailDirectory.CaseInfo kase, MailDirectory.Recipient to, Letter letter, String cause, Instant at) {
        draft(kase, to, letter, cause, at, outbox.threadOf(kase.caseId(), to.email()))
                .ifPresent(mail -> outbox.enqueue(List.of(mail)));
    }

    /**
     * Queues the letters of one event to several recipients of the case, read and stored with one statement each for
     * all of them (a message goes to everyone who takes part: per recipient, that was two of its ~21 statements).
     */
    public void write(MailDirectory.CaseInfo kase, Map<MailDirectory.Recipient, Letter> letters, String cause,
                      Instant at) {
        if (letters.isEmpty()) {
            return;
        }
        Map<String, List<String>> threads = outbox.threadsOf(kase.caseId());
        List<Outbox.NewMail> mails = new ArrayList<>();
        letters.forEach((to, letter) -> draft(kase, to, letter, cause, at,
                threads.getOrDefault(Outbox.threadKey(to.email()), List.of())).ifPresent(mails::add));
        outbox.enqueue(mails);
    }

    /** The mail to queue; none to the support address. {@code threaded}: the recipient's thread, see {@link #thread}. */
    private Optional<Outbox.NewMail> draft(MailDirectory.CaseInfo kase, MailDirectory.Recipient to, Letter letter,
                                           String cause, Instant at, List<String> threaded) {
        Settings current = settings.current();
        if (EmailAddresses.isSupportAddress(to.email(), current.mailAddress())) {
            // kept with a support address from before such addresses were refused, or the support address changed to
            // theirs: mail to it would come back into the support mailbox, as our own
            log.warn("Not writing {} of case {} to {}: that is the support address", letter.kind(), kase.reference(),
                    to.email());
            return Optional.empty();
        }
        String domain = MailSettings.domain(current);
        List<String> thread = thread(threaded);
        String messageId = MessageIds.newMessageId(domain);
        Instant since = letter.message() == null ? at : letter.message().postedAt();
        MailIdentity identity = identity(current);
        MailDirectory.Team members = team();
        Team known = perUnitOfWork("team", () -> team(members, identity));
        List<String> team = to.team() ? List.of() : known.directory().addresses();
        UnaryOperator<String> shown = to.team() ? UnaryOperator.identity() : known.masked();
        Function<MailDirectory.PostedMessage, String> author = m -> shown.apply(known.authors().shown(m.authorEmail(),
                m.authorName()));
        // every recipient of an event quotes the same messages
        List<MailDirectory.PostedMessage> earlier = perUnitOfWork(history(kase.caseId(), since),
                () -> directory.history(kase.caseId(), since, QUOTED_MESSAGES));
        List<OutgoingMail.EarlierMessage> history = earlier.stream()
                .map(m -> new OutgoingMail.EarlierMessage(author.apply(m), m.postedAt(),
                        shown.apply(m.body()))).toList();
        // names and the subject are relayed as written, like the texts: a team address in them is masked the same way
        OutgoingMail mail = new OutgoingMail(letter.kind(), messageId,
                thread.isEmpty() ? null : thread.get(thread.size() - 1), thread, at,
                new OutgoingMail.Recipient(to.name() == null ? to.email() : shown.apply(to.name()), to.email(),
                        to.team()),
                letter.message() == null ? null : author.apply(letter.message()), kase.reference(),
                shown.apply(kase.subject()),
                letter.message() == null ? null : shown.apply(letter.message().body()), history,
                current.text(Setting.CASE_CONFIRM_URL).map(url -> url.replace("%code%", letter.confirmCode() == null
                        ? "" : letter.confirmCode())).filter(url -> letter.confirmCode() != null).orElse(null),
                letter.confirmCode(), letter.reason(),
                current.bool(Setting.MAIL_PLUS_ADDRESSING) ? plusAddress(current.mailAddress(), messageId) : null,
                attachments(kase.caseId(), letter, to, team, current, shown),
                letter.caseOpenedByMail());
        UUID id = UUID.nameUUIDFromBytes((cause + "\n" + letter.kind() + "\n" + EmailAddresses.key(to.email()))
                .getBytes(StandardCharsets.UTF_8));
        return Optional.of(new Outbox.NewMail(id, kase.caseId(), letter.message() == null ? null
                : letter.message().messageId(), letter.kind().name(), to.email(), to.name() == null ? to.email()
                : to.name(), identity, mail));
    }

    /**
     * The attachments of the letter's message: carried in a message or a new case to whoever did not write it, each
     * that still fits into {@code mailSendAttachmentMaxBytes} with those before it, counted as sent (base64); listed
     * otherwise (and always in reminders, which follow a mail that carried them). To someone outside the team, a team
     * member's attachments that hold a team address, or are packed so that one could not be seen (documents, archives,
     * PDF), are only listed, as are their mails, contact cards, invitations, signatures and keys: texts relayed to
     * customers have those addresses masked ({@code team}: the team's addresses when the recipient is outside it, else
     * none).
     */
    private List<OutgoingMail.Attachment> attachments(UUID caseId, Letter letter, MailDirectory.Recipient to,
                                                      List<String> team, Settings current,
                                                      UnaryOperator<String> shown) {
        if (letter.message() == null) {
            return List.of();
        }
        List<MailDirectory.Attachment> all = letter.message().attachments();
        String author = EmailAddresses.key(letter.message().authorEmail());
        boolean carrying = (letter.kind() == MailKind.MESSAGE || letter.kind() == MailKind.NEW_CASE)
                && !letter.toAuthor() && !EmailAddresses.key(to.email()).equals(author);
        boolean fromTeam = team.stream().map(EmailAddresses::key).anyMatch(author::equals);
        Set<UUID> showingTeam = !carrying || !fromTeam ? Set.of()
                : perUnitOfWork("showing-team:" + letter.message().messageId(), () -> directory.attachmentsMayShow(
                        caseId, all.stream().map(MailDirectory.Attachment::id).filter(Objects::nonNull).toList(), team));
        long room = current.integer(Setting.MAIL_SEND_ATTACHMENT_MAX_BYTES);
        List<OutgoingMail.Attachment> attachments = new ArrayList<>();
        for (MailDirectory.Attachment a : all) {
            boolean carried = carrying && a.id() != null && !a.omitted() && sent(a.size()) <= room
                    && !(fromTeam && (namesAddresses(a) || showingTeam.contains(a.id())));
            room -= carried ? sent(a.size()) : 0;
            attachments.add(new OutgoingMail.Attachment(shown.apply(a.filename()), a.contentType(), a.size(),
                    a.omitted(), carried ? a.id() : null));
        }
        return attachments;
    }

    /** Bytes of base64 with CRLF after every 76 characters. */
    private static long sent(long size) {
        long encoded = (size + 2) / 3 * 4;
        return encoded + encoded / 76 * 2;
    }

    private static boolean namesAddresses(MailDirectory.Attachment attachment) {
        return ADDRESS_TYPES.matcher(String.valueOf(attachment.contentType())).lookingAt()
                || ADDRESS_FILES.matcher(String.valueOf(attachment.filename())).matches();
    }

    static MailIdentity identity(Settings settings) {
        return new MailIdentity(settings.mailAddress(), (String) settings.get(Setting.MAIL_SUPPORT_NAME),
                (String) settings.get(Setting.MAIL_SUBJECT_FORMAT), (String) settings.get(Setting.MAIL_SUBJECT_PREFIX));
    }

    /**
     * The Message-IDs this recipient's mail client knows for the case, oldest first ({@code known}, see
     * {@link Outbox#threadOf}), as threading headers carry them: long threads keep the first and the latest ones.
     */
    private static List<String> thread(List<String> known) {
        // a sender's Message-ID may be one our headers cannot carry (too long, quoted, with spaces): left out
        List<String> ids = known.stream().filter(MessageIds::isValid).toList();
        if (ids.size() > MAX_REFERENCES) {
            List<String> kept = new ArrayList<>(ids.subList(0, 1));
            kept.addAll(ids.subList(ids.size() - (MAX_REFERENCES - 1), ids.size()));
            return kept;
        }
        return ids;
    }

    /** Everyone who is or was in the team, read once per unit of work (every mail planned in it needs them). */
    MailDirectory.Team team() {
        return perUnitOfWork("team-directory", directory::team);
    }

    /**
     * What planning derives from the team, made again only when the team or the support's address or name changed:
     * compiling the masking of its addresses for every recipient was about 4 % of the CPU of a case opened over HTTP.
     */
    private Team team(MailDirectory.Team directory, MailIdentity identity) {
        Team last = team.get();
        if (last != null && last.directory().equals(directory) && last.identity().equals(identity)) {
            return last;
        }
        Team made = new Team(directory, identity, TeamAddresses.maskedFor(directory.addresses(),
                identity.supportAddress()), new AuthorNames(directory.addresses(), directory.names(),
                identity.supportName()));
        team.set(made);
        return made;
    }

    /** The team as planning needs it: masking its addresses in what goes outside it, and the names only it bears. */
    private record Team(MailDirectory.Team directory, MailIdentity identity, UnaryOperator<String> masked,
                        AuthorNames authors) {
    }

    /**
     * The {@link #QUOTED_MESSAGES} messages of the case before {@code since} that the mails of this unit of work about
     * a message posted then quote, newest first, as read with that message ({@link MailDirectory#messagePosted}).
     */
    void quoting(UUID caseId, Instant since, List<MailDirectory.PostedMessage> earlier) {
        if (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().root().resources().put(KEYS + history(caseId, since), earlier);
        }
    }

    private static String history(UUID caseId, Instant since) {
        return "history:" + caseId + "@" + since;
    }

    /**
     * What every mail planned in the command's unit of work reads alike (the team's addresses, the quoted history of
     * one event), read once for all of them.
     */
    private static <T> T perUnitOfWork(String key, Supplier<T> read) {
        if (!CurrentUnitOfWork.isStarted()) {
            return read.get();
        }
        return CurrentUnitOfWork.get().root().getOrComputeResource(KEYS + key, k -> read.get());
    }

    /** {@code support+TOKEN@domain}, the token being the one in our Message-ID. */
    private static String plusAddress(String supportAddress, String messageId) {
        String token = MessageIds.token(messageId, EmailAddresses.domain(messageId)).orElseThrow();
        int at = supportAddress.indexOf('@');
        return supportAddress.substring(0, at) + "+" + token + supportAddress.substring(at);
    }
}
