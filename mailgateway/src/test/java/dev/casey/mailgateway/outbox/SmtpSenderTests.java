package dev.casey.mailgateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.casey.api.settings.Settings;
import dev.casey.mailgateway.outbound.CarriedAttachments;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SmtpSenderTests {

    static final byte[] MAIL = """
            From: support@casey.localhost\r
            To: some.user@other.tld\r
            Subject: Test\r
            Message-ID: <casey.test@casey.localhost>\r
            \r
            Hello\r
            """.getBytes(StandardCharsets.US_ASCII);

    @Test
    void givenAKeptConnectionAndTheServerGone_whenTheCheckFails_thenItConnectsOnceAndReportsTheFailure() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Settings settings = Settings.defaults().with(Map.of("smtpServer", "127.0.0.1", "smtpPort", port,
                "smtpEncryption", "none"));
        GreenMail greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        try (SmtpSender sender = new SmtpSender()) {
            sender.send(settings, new CarriedAttachments.Sendable(MAIL, id -> null), "some.user@other.tld");
            assertThat(greenMail.getReceivedMessages()).hasSize(1);
            greenMail.stop();
            sender.checkAfterIdle = Duration.ZERO; // the kept connection is checked before the next mail

            // in its place a server that hangs up on every connection, counting them
            AtomicInteger connections = new AtomicInteger();
            try (ServerSocket hangingUp = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
                Thread acceptor = new Thread(() -> {
                    while (!hangingUp.isClosed()) {
                        try (Socket socket = hangingUp.accept()) {
                            connections.incrementAndGet();
                        } catch (IOException closed) {
                            return;
                        }
                    }
                });
                acceptor.setDaemon(true);
                acceptor.start();
                assertThatThrownBy(() -> sender.send(settings, new CarriedAttachments.Sendable(MAIL, id -> null), "some.user@other.tld"))
                        .isInstanceOf(SmtpSender.SmtpFailure.class)
                        .matches(failure -> !((SmtpSender.SmtpFailure) failure).permanent(), "temporary");
                assertThat(connections).as("a checked connection that failed is not tried again at once")
                        .hasValue(1);
            }
        } finally {
            greenMail.stop();
        }
    }
}
