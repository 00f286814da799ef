package dev.casey.mailgateway.imap;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.FolderClosedException;
import jakarta.mail.FolderNotFoundException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.StoreClosedException;
import jakarta.mail.UIDFolder;
import jakarta.mail.event.MessageCountListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Properties;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.UID;
import org.eclipse.angus.mail.imap.protocol.UIDSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open IMAP connection: the store, the inbox opened read-write, the processed and quarantine
 * folders (created if missing), and what the server can do. Used by the poller thread only, except
 * for aborting IDLE (see {@link MailboxPoller}).
 */
final class ImapConnection {

    private static final Logger log = LoggerFactory.getLogger(ImapConnection.class);

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    /** Replaced in place when only the timing changes. */
    volatile MailboxSettings settings;
    final IMAPStore store;
    final IMAPFolder inbox;
    /** The inbox again, never opened: its STATUS goes over the store's own connection, a second session. */
    private final IMAPFolder inboxCount;
    final IMAPFolder processed;
    final IMAPFolder quarantine;
    final boolean idleSupported;
    final boolean moveSupported;
    final boolean uidPlusSupported;
    final boolean userFlagsSupported;

    private ImapConnection(MailboxSettings settings, IMAPStore store, IMAPFolder inbox, IMAPFolder processed,
                           IMAPFolder quarantine, boolean idle, boolean move, boolean uidPlus, boolean userFlags)
            throws MessagingException {
        this.settings = settings;
        this.store = store;
        this.inbox = inbox;
        this.inboxCount = (IMAPFolder) store.getFolder(inbox.getFullName());
        this.processed = processed;
        this.quarantine = quarantine;
        this.idleSupported = idle;
        this.moveSupported = move;
        this.uidPlusSupported = uidPlus;
        this.userFlagsSupported = userFlags;
    }

    /** Connects, creates the processed and quarantine folders if missing and opens the inbox read-write. */
    static ImapConnection open(MailboxSettings settings, MessageCountListener newMail) throws MessagingException {
        String protocol = settings.encryption() == MailboxSettings.Encryption.TLS ? "imaps" : "imap";
        Session session = Session.getInstance(properties(settings, protocol)); // private: no System properties
        IMAPStore store = (IMAPStore) session.getStore(protocol);
        try {
            store.connect(settings.host(), settings.port(), settings.username(), settings.password());
            IMAPFolder inbox = (IMAPFolder) store.getFolder(serverName(store, settings.inboxFolder()));
            if (!inbox.exists()) {
                throw new FolderNotFoundException(inbox, "The inbox folder " + inbox.getFullName() + " does not exist");
            }
            IMAPFolder processed = existing(store, serverName(store, settings.processedFolder()));
            IMAPFolder quarantine = existing(store, serverName(store, settings.quarantineFolder()));
            openReadWrite(inbox);
            Flags permanent = inbox.getPermanentFlags();
            boolean userFlags = permanent != null && permanent.contains(Flags.Flag.USER);
            inbox.addMessageCountListener(newMail);
            return new ImapConnection(settings, store, inbox, processed, quarantine, store.hasCapability("IDLE"),
                    store.hasCapability("MOVE"), store.hasCapability("UIDPLUS"), userFlags);
        } catch (MessagingException | RuntimeException e) {
            closeQuietly(store);
            throw e;
        }
    }

    private static Properties properties(MailboxSettings settings, String protocol) {
        String p = "mail." + protocol + ".";
        Properties props = new Properties();
        props.setProperty("mail.store.protocol", protocol);
        props.setProperty(p + "host", settings.host());
        props.setProperty(p + "port", Integer.toString(settings.port()));
        props.setProperty(p + "connectiontimeout", Long.toString(CONNECT_TIMEOUT.toMillis()));
        props.setProperty(p + "timeout", Long.toString(READ_TIMEOUT.toMillis()));
        props.setProperty(p + "writetimeout", Long.toString(WRITE_TIMEOUT.toMillis()));
        // the inbox gets a connection of its own; the store keeps one for STATUS: a second view of the inbox
        props.setProperty(p + "separatestoreconnection", "true");
        // a message left in the inbox after a temporary failure stays untouched (not \Seen)
        props.setProperty(p + "peek", "true");
        // the whole message in one FETCH BODY.PEEK[]: it ends up in one byte[] anyway
        props.setProperty(p + "partialfetch", "false");
        if (settings.encryption() == MailboxSettings.Encryption.STARTTLS) {
            props.setProperty(p + "starttls.enable", "true");
            props.setProperty(p + "starttls.required", "true");
        }
        if (settings.encryption() != MailboxSettings.Encryption.NONE) {
            props.setProperty(p + "ssl.checkserveridentity", "true");
        }
        return props;
    }

    /**
     * The server's name of a configured folder: {@code /} becomes the server's hierarchy separator,
     * and a personal namespace prefix ({@code INBOX.} on some servers) is put in front.
     */
    static String serverName(IMAPStore store, String configured) throws MessagingException {
        if (configured.equalsIgnoreCase("INBOX")) {
            return "INBOX";
        }
        char separator = store.getDefaultFolder().getSeparator();
        String name = separator != '/' && separator != '\0' ? configured.replace('/', separator) : configured;
        Folder[] personal = store.getPersonalNamespaces();
        if (personal.length > 0 && !personal[0].getFullName().isEmpty()) {
            String prefix = personal[0].getFullName() + personal[0].getSeparator();
            if (!name.toUpperCase(Locale.ROOT).startsWith(prefix.toUpperCase(Locale.ROOT))) {
                name = prefix + name;
            }
        }
        return name;
    }

    private static IMAPFolder existing(IMAPStore store, String name) throws MessagingException {
        IMAPFolder folder = (IMAPFolder) store.getFolder(name);
        if (folder.exists()) {
            return folder;
        }
        if (!folder.create(Folder.HOLDS_MESSAGES) && !folder.exists()) {
            throw new MessagingException("Could not create the IMAP folder " + name);
        }
        try {
            folder.setSubscribed(true); // visible in mail clients
        } catch (MessagingException | RuntimeException ignored) {
            // not important
        }
        log.info("Created the IMAP folder {}", name);
        return folder;
    }

    /** Still connected with the inbox open (may send a NOOP when idle for more than a second). */
    boolean isAlive() {
        try {
            return store.isConnected() && inbox.isOpen();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Every message in the inbox in arrival (UID) order, with UID, flags and size fetched.
     *
     * <p>The inbox is opened again (a new SELECT) when this session shows fewer messages than the store's
     * connection counts: the server failed to announce one (GreenMail can lose a message delivered while a
     * MOVE runs, and it would never show up). It is also opened again when more than {@code maxMovedInCache}
     * moved messages are held by the client: they stay in its cache, expunged, until the folder is closed.
     */
    Message[] messages(int maxMovedInCache) throws MessagingException {
        int stored = storedCount(); // first: mail that comes in after it is announced to the inbox session
        // a NOOP makes the server tell of mail that came in since its last answer (GreenMail tells no earlier)
        inbox.doCommand(protocol -> {
            protocol.noop();
            return null;
        });
        Message[] messages = inbox.getMessages();
        int moved = (int) Arrays.stream(messages).filter(Message::isExpunged).count();
        int shown = messages.length - moved;
        if (shown < stored || moved > maxMovedInCache) {
            if (shown < stored) {
                log.info("The IMAP server showed {} of the {} messages in {} to this connection; opening it again",
                        shown, stored, inbox.getFullName());
            } else {
                log.debug("Opening {} again to let go of {} moved messages", inbox.getFullName(), moved);
            }
            inbox.close(false);
            openReadWrite(inbox);
            messages = inbox.getMessages();
        }
        if (messages.length > 0) {
            FetchProfile profile = new FetchProfile();
            profile.add(UIDFolder.FetchProfileItem.UID);
            profile.add(FetchProfile.Item.FLAGS);
            profile.add(FetchProfile.Item.SIZE);
            inbox.fetch(messages, profile);
        }
        return messages;
    }

    /**
     * How many messages the inbox holds, as a session that has not selected it sees (STATUS MESSAGES); -1 when the
     * server does not say (the check is then skipped: it must never keep mail from being read).
     */
    private int storedCount() throws MessagingException {
        String name = inboxCount.getFullName();
        try {
            return (Integer) inboxCount.doCommand(protocol -> protocol.status(name, new String[] {"MESSAGES"}).total);
        } catch (StoreClosedException | FolderClosedException gone) {
            throw gone; // reconnect
        } catch (MessagingException | RuntimeException refused) {
            log.debug("The IMAP server did not count {} (STATUS): {}", name, refused.toString());
            return -1;
        }
    }

    private static void openReadWrite(IMAPFolder inbox) throws MessagingException {
        inbox.open(Folder.READ_WRITE);
        if (inbox.getMode() != Folder.READ_WRITE) {
            throw new MessagingException("The inbox folder " + inbox.getFullName() + " opened read-only");
        }
    }

    /**
     * The exact bytes of several messages with one {@code UID FETCH (UID BODY.PEEK[])}, by UID: one round trip
     * instead of one per message. A message the server does not return (expunged meanwhile) is missing.
     */
    @SuppressWarnings("unchecked")
    Map<Long, byte[]> raw(List<Message> messages) throws MessagingException {
        long[] uids = new long[messages.size()];
        for (int i = 0; i < uids.length; i++) {
            uids[i] = inbox.getUID(messages.get(i));
        }
        String set = UIDSet.toString(UIDSet.createUIDSets(uids));
        return (Map<Long, byte[]>) inbox.doCommand(protocol -> {
            Response[] responses = protocol.command("UID FETCH " + set + " (UID BODY.PEEK[])", null);
            Map<Long, byte[]> raw = new HashMap<>();
            for (Response response : responses) {
                if (response instanceof FetchResponse fetched) {
                    UID uid = fetched.getItem(UID.class);
                    BODY body = fetched.getItem(BODY.class);
                    if (uid != null && body != null && body.getByteArray() != null) {
                        raw.put(uid.uid, body.getByteArray().getNewBytes());
                    }
                }
            }
            // the folder learns of mail that came or went meanwhile; a NO or BAD answer throws
            protocol.notifyResponseHandlers(responses);
            protocol.handleResult(responses[responses.length - 1]);
            return raw;
        });
    }

    /**
     * The first {@code most} bytes of the message's header as the server stores it (UID FETCH BODY.PEEK[HEADER]), and
     * nothing of its body; empty when the server returns none.
     */
    byte[] header(Message message, int most) throws MessagingException {
        long uid = inbox.getUID(message);
        return (byte[]) inbox.doCommand(protocol -> {
            Response[] responses = protocol.command("UID FETCH " + uid + " (UID BODY.PEEK[HEADER]<0." + most + ">)", null);
            byte[] header = new byte[0];
            for (Response response : responses) {
                if (response instanceof FetchResponse fetched) {
                    UID id = fetched.getItem(UID.class);
                    BODY body = fetched.getItem(BODY.class);
                    if (id != null && id.uid == uid && body != null && body.getByteArray() != null) {
                        header = body.getByteArray().getNewBytes();
                    }
                }
            }
            protocol.notifyResponseHandlers(responses);
            protocol.handleResult(responses[responses.length - 1]);
            return header;
        });
    }

    /** The exact bytes the server stores for the message, headers and body (FETCH BODY.PEEK[]). */
    static byte[] raw(Message message) throws MessagingException, IOException {
        int size = message.getSize();
        ByteArrayOutputStream out = new ByteArrayOutputStream(size > 0 ? size + 64 : 8192);
        message.writeTo(out); // IMAPMessage: the server's bytes as they are, not a re-encoding
        return out.toByteArray();
    }

    /** Sets {@code keyword} (if the server keeps user flags) and moves the message to {@code target}. */
    void markAndMove(Message message, String keyword, IMAPFolder target, boolean preferMove)
            throws MessagingException {
        markAndMove(new Message[] {message}, keyword, target, preferMove);
    }

    /** The same for several messages, with one STORE and one MOVE (or COPY) for all of them. */
    void markAndMove(Message[] messages, String keyword, IMAPFolder target, boolean preferMove)
            throws MessagingException {
        if (userFlagsSupported) {
            inbox.setFlags(messages, new Flags(keyword), true);
        }
        move(messages, target, preferMove);
    }

    void move(Message message, IMAPFolder target, boolean preferMove) throws MessagingException {
        move(new Message[] {message}, target, preferMove);
    }

    /** MOVE when the server has it, else COPY, {@code \Deleted} and (UID) EXPUNGE. */
    private void move(Message[] messages, IMAPFolder target, boolean preferMove) throws MessagingException {
        if (moveSupported && preferMove) {
            inbox.moveMessages(messages, target);
            return;
        }
        inbox.copyMessages(messages, target);
        inbox.setFlags(messages, new Flags(Flags.Flag.DELETED), true);
        if (uidPlusSupported) {
            inbox.expunge(messages); // UID EXPUNGE: only these messages
        } else {
            inbox.expunge();
        }
    }

    /** Closes politely (inbox without expunge, then LOGOUT). */
    void close() {
        try {
            if (inbox.isOpen()) {
                inbox.close(false);
            }
        } catch (MessagingException | RuntimeException ignored) {
            // closing the store below closes everything anyway
        }
        closeQuietly(store);
    }

    /** Drops a connection that failed, without waiting for the server where possible. */
    void abandon() {
        try {
            inbox.forceClose();
        } catch (MessagingException | RuntimeException ignored) {
            // already closed
        }
        closeQuietly(store);
    }

    private static void closeQuietly(IMAPStore store) {
        try {
            store.close();
        } catch (MessagingException | RuntimeException ignored) {
            // nothing more to do
        }
    }

    String capabilities() {
        return "IDLE=" + idleSupported + ", MOVE=" + moveSupported + ", UIDPLUS=" + uidPlusSupported
                + ", user flags=" + userFlagsSupported;
    }
}
