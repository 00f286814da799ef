package dev.casey.server;

import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The mail world around Casey in tests: "outside" is the SMTP server Casey sends to (it holds the
 * mailboxes of customers and team members), "support" holds the support mailbox Casey reads over
 * IMAP. Outside listens on a fixed port so that it can be stopped and started again.
 */
public final class MailServers implements AutoCloseable {

    public static final String SUPPORT = "support@casey.test";
    public static final String SUPPORT_PASSWORD = "support-secret";

    private final int outsidePort = freePort();
    private GreenMail outside;
    private final GreenMail support;

    public MailServers() {
        startOutside();
        support = new GreenMail(ServerSetup.dynamicPort(new ServerSetup[] {
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)}));
        support.start();
        support.setUser(SUPPORT, SUPPORT, SUPPORT_PASSWORD);
    }

    /** Casey's configuration for these servers. */
    public String config(String extra) {
        return """
                {"mailAddress": "%s", "mailSupportName": "Acme Support", "mailSubjectPrefix": "Casey",
                 "smtpServer": "127.0.0.1", "smtpPort": %d, "smtpEncryption": "none",
                 "imapServer": "127.0.0.1", "imapPort": %d, "imapEncryption": "none",
                 "imapUsername": "%s", "imapPassword": "%s", "mailSyncTimer": 1%s}"""
                .formatted(SUPPORT, outsidePort, support.getImap().getPort(), SUPPORT, SUPPORT_PASSWORD,
                        extra.isEmpty() ? "" : ", " + extra);
    }

    public void startOutside() {
        outside = new GreenMail(new ServerSetup(outsidePort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        outside.start();
    }

    public void stopOutside() {
        outside.stop();
    }

    /** Every mail the outside world received from Casey for this address, as raw bytes, oldest first. */
    public List<byte[]> receivedBy(String address) {
        return Arrays.stream(outside.getReceivedMessages())
                .filter(m -> recipients(m).contains(address.toLowerCase()))
                .map(MailServers::raw).toList();
    }

    /** The mails of one case (by its reference in the subject) that this address received, oldest first. */
    public List<byte[]> receivedBy(String address, String reference) {
        return receivedBy(address).stream().filter(m -> Mails.header(m, "Subject").contains(reference)).toList();
    }

    /** The mails of one case that this address received, once there are at least {@code count} of them. */
    public List<byte[]> awaitReceived(String address, String reference, int count, Duration patience) {
        await().atMost(patience).until(() -> receivedBy(address, reference).size() >= count);
        return receivedBy(address, reference);
    }

    public List<byte[]> allReceived() {
        return Arrays.stream(outside.getReceivedMessages()).map(MailServers::raw).toList();
    }

    /** Sends a raw mail to the support address through the support mail server's SMTP, as a client would. */
    public void sendToSupport(String raw) {
        sendToSupport(raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    public void sendToSupport(byte[] raw) {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(support.getSmtp().getPort()));
        Session session = Session.getInstance(properties);
        try (Transport transport = session.getTransport("smtp")) {
            MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(raw));
            transport.connect();
            // sendMessage, not Transport.send: the mail goes out exactly as written (no new Message-ID)
            transport.sendMessage(message, new Address[] {new InternetAddress(SUPPORT)});
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    public GreenMail supportServer() {
        return support;
    }

    public static MimeMessage parse(byte[] raw) {
        try {
            return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> recipients(MimeMessage message) {
        try {
            Address[] to = message.getRecipients(Message.RecipientType.TO);
            return to == null ? List.of() : Arrays.stream(to).map(a -> ((InternetAddress) a).getAddress().toLowerCase())
                    .toList();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] raw(MimeMessage message) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        outside.stop();
        support.stop();
    }
}
