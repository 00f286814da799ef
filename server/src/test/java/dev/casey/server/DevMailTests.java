package dev.casey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Address;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The try-it-out default: an embedded mail server that a mail client can use for the whole loop. */
class DevMailTests extends ServiceTest {

    static final int SMTP = freePort();
    static final int IMAP = freePort();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casey.data-dir", () -> newDataDir("devmail").toString());
        registry.add("casey.dev-mail", () -> "true");
        registry.add("casey.dev-mail.smtp-port", () -> SMTP);
        registry.add("casey.dev-mail.imap-port", () -> IMAP);
    }

    @LocalServerPort
    int port;

    @Test
    void aCustomerReadsAndAnswersWithAMailClient() throws Exception {
        Api api = new Api(port);
        String uuid = api.openCase("Try Out", "tryout@example.org", "Trying it out", "Hello Casey").at("/uuid");

        // the mailbox exists once the first mail for it came: until then logging in fails
        Message[] inbox = await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> inbox("tryout@example.org"), messages -> messages.length == 1);
        MimeMessage received = (MimeMessage) inbox[0];
        assertThat(received.getSubject()).contains(api.get("/case/" + uuid).at("/reference"));

        Session session = Session.getInstance(new Properties());
        MimeMessage reply = new MimeMessage(session);
        reply.setFrom(new InternetAddress("tryout@example.org", "Try Out"));
        reply.setRecipients(Message.RecipientType.TO, received.getFrom());
        reply.setSubject("Re: " + received.getSubject());
        reply.setHeader("In-Reply-To", received.getMessageID());
        reply.setText("Answered from a mail client.");
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect("127.0.0.1", SMTP, null, null);
            reply.saveChanges();
            transport.sendMessage(reply, new Address[] {new InternetAddress("support@casey.localhost")});
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/case/" + uuid).json().get("messages").size() == 2);
        assertThat(api.get("/case/" + uuid).json().get("messages").get(1).get("body").asString())
                .isEqualTo("Answered from a mail client.");
    }

    /** The mailbox as a mail client sees it: the address is user name and password. */
    private static Message[] inbox(String address) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", IMAP, address, address);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message[] messages = inbox.getMessages();
            for (Message message : messages) {
                ((MimeMessage) message).getContent();
            }
            Message[] copies = new Message[messages.length];
            for (int i = 0; i < messages.length; i++) {
                copies[i] = new MimeMessage((MimeMessage) messages[i]);
            }
            inbox.close(false);
            return copies;
        } catch (jakarta.mail.AuthenticationFailedException notYet) {
            return new Message[0]; // the mailbox exists once the first mail was delivered
        } finally {
            store.close();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
