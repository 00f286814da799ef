package dev.casey.mailgateway.imap;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.angus.mail.imap.IMAPStore;

/**
 * A GreenMail SMTP + IMAP server with the support mailbox, mail delivered over real SMTP, and a
 * separate IMAP client to look into the folders.
 */
final class TestMailServer implements AutoCloseable {

    static final String ADDRESS = "support@casey.test";
    static final String LOGIN = "support";
    static final String PASSWORD = "s3cret";

    private final int smtpPort;
    private final int imapPort;
    private GreenMail greenMail;

    private TestMailServer(int smtpPort, int imapPort) {
        this.smtpPort = smtpPort;
        this.imapPort = imapPort;
    }

    /** A running server on free ports. */
    static TestMailServer started() {
        TestMailServer server = new TestMailServer(freePort(), freePort());
        server.start();
        return server;
    }

    /** A server on free ports that is not started yet (see {@link #start()}). */
    static TestMailServer notStarted() {
        return new TestMailServer(freePort(), freePort());
    }

    void start() {
        greenMail = new GreenMail(new ServerSetup[] {
                new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        greenMail.start();
        greenMail.setUser(ADDRESS, LOGIN, PASSWORD);
    }

    int imapPort() {
        return imapPort;
    }

    MailboxSettings settings(Duration syncInterval) {
        return MailboxSettings.of("127.0.0.1", imapPort, LOGIN, PASSWORD, MailboxSettings.Encryption.NONE,
                syncInterval);
    }

    /** A message as a mail client would send it, CRLF line ends, with a non-ASCII body. */
    static String rawMessage(String messageId, String subject, String body) {
        return "From: Some User <some.user@other.test>\r\n"
                + "To: Support <" + ADDRESS + ">\r\n"
                + "Subject: " + subject + "\r\n"
                + "Message-ID: <" + messageId + ">\r\n"
                + "Date: Mon, 23 Nov 2026 12:00:00 +0000\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n"
                + "\r\n"
                + body + "\r\n";
    }

    /** Delivers these exact bytes over SMTP (no re-encoding, no new Message-ID). */
    void deliver(String rawMessage) {
        Properties props = new Properties();
        props.setProperty("mail.smtp.host", "127.0.0.1");
        props.setProperty("mail.smtp.port", Integer.toString(smtpPort));
        Session session = Session.getInstance(props);
        try {
            MimeMessage message = new MimeMessage(session,
                    new ByteArrayInputStream(rawMessage.getBytes(StandardCharsets.UTF_8)));
            try (Transport transport = session.getTransport("smtp")) {
                transport.connect();
                transport.sendMessage(message, message.getAllRecipients()); // unlike send(): no saveChanges()
            }
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    void deliver(String messageId, String subject) {
        deliver(rawMessage(messageId, subject, "Hello, this is " + messageId + "."));
    }

    /** What a mail client sees in a folder ({@code INBOX}, {@code Casey/Processed}, ...). */
    record Seen(String messageId, Set<String> userFlags, boolean seen, boolean deleted, byte[] raw) {
    }

    /** Moves every message of a folder to the inbox, as a person would with a mail client. */
    void moveToInbox(String configuredName) {
        try (Store store = connect()) {
            Folder folder = store.getFolder(ImapConnection.serverName((IMAPStore) store, configuredName));
            folder.open(Folder.READ_WRITE);
            Message[] messages = folder.getMessages();
            folder.copyMessages(messages, store.getFolder("INBOX"));
            folder.setFlags(messages, new Flags(Flags.Flag.DELETED), true);
            folder.close(true);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    List<Seen> folder(String configuredName) {
        try (Store store = connect()) {
            Folder folder = store.getFolder(ImapConnection.serverName((IMAPStore) store, configuredName));
            if (!folder.exists()) {
                return List.of();
            }
            folder.open(Folder.READ_ONLY);
            try {
                List<Seen> seen = new ArrayList<>();
                for (Message m : folder.getMessages()) {
                    ByteArrayOutputStream raw = new ByteArrayOutputStream();
                    m.writeTo(raw);
                    Flags flags = m.getFlags();
                    seen.add(new Seen(RecordingSink.messageId(raw.toByteArray()),
                            new TreeSet<>(List.of(flags.getUserFlags())), flags.contains(Flags.Flag.SEEN),
                            flags.contains(Flags.Flag.DELETED), raw.toByteArray()));
                }
                return seen;
            } finally {
                folder.close(false);
            }
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> messageIds(String configuredName) {
        return folder(configuredName).stream().map(Seen::messageId).toList();
    }

    /** Sets a keyword on every message of the inbox, as if an earlier run had been cut short. */
    void flagInbox(String keyword) {
        try (Store store = connect()) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            inbox.setFlags(1, inbox.getMessageCount(), new Flags(keyword), true);
            inbox.close(false);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the server keeps user flags (keywords) in the inbox. */
    boolean supportsUserFlags() {
        try (Store store = connect()) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                return inbox.getPermanentFlags().contains(Flags.Flag.USER);
            } finally {
                inbox.close(false);
            }
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean hasCapability(String capability) {
        try (Store store = connect()) {
            return ((IMAPStore) store).hasCapability(capability);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Store connect() throws MessagingException {
        Properties props = new Properties();
        props.setProperty("mail.imap.peek", "true");
        props.setProperty("mail.imap.connectiontimeout", "5000");
        props.setProperty("mail.imap.timeout", "5000");
        Store store = Session.getInstance(props).getStore("imap");
        store.connect("127.0.0.1", imapPort, LOGIN, PASSWORD);
        return store;
    }

    @Override
    public void close() {
        if (greenMail != null) {
            greenMail.stop();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
