package dev.casey.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SMTP server on loopback that answers as the test needs where GreenMail cannot: one that refuses every
 * recipient for good (550), as a real one does for a dead address, one that takes a mail only once another
 * connection is sending one at the same time, which only a client delivering side by side gets past, and one
 * that hangs up after every mail, as a server does with connections it finds idle, and one that refuses mails over a
 * size. Each counts the connections
 * and the checks ({@code NOOP}, {@code RSET}) it was sent.
 */
final class ScriptedSmtpServer implements AutoCloseable {

    private final ServerSocket socket;
    private final boolean refuseRecipients;
    /** Opened by the second mail that is being sent at the same time as another; null: no waiting. */
    private final CountDownLatch together;
    private final boolean hangUpAfterMail;
    /** Mails larger than this are refused (552 5.3.4); 0: no limit. */
    private final int maxBytes;
    private final java.util.List<String> mails = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger checks = new AtomicInteger();
    private final AtomicInteger sending = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();

    private ScriptedSmtpServer(boolean refuseRecipients, CountDownLatch together, boolean hangUpAfterMail) {
        this(refuseRecipients, together, hangUpAfterMail, 0);
    }

    private ScriptedSmtpServer(boolean refuseRecipients, CountDownLatch together, boolean hangUpAfterMail,
                               int maxBytes) {
        this.refuseRecipients = refuseRecipients;
        this.together = together;
        this.hangUpAfterMail = hangUpAfterMail;
        this.maxBytes = maxBytes;
        try {
            socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "scripted-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Refuses every recipient with 550 5.1.1. */
    static ScriptedSmtpServer refusingEveryRecipient() {
        return new ScriptedSmtpServer(true, null, false);
    }

    /** Takes every mail. */
    static ScriptedSmtpServer accepting() {
        return new ScriptedSmtpServer(false, null, false);
    }

    /** Takes a mail, then closes the connection without a word. */
    static ScriptedSmtpServer hangingUpAfterEachMail() {
        return new ScriptedSmtpServer(false, null, true);
    }

    /** Holds each mail's final answer until two mails are being sent at once (at most 10 s, then 451: try later). */
    static ScriptedSmtpServer acceptingTwoAtOnce() {
        return new ScriptedSmtpServer(false, new CountDownLatch(2), false);
    }

    /** Takes mails up to {@code maxBytes} and keeps them; refuses larger ones as too large (552 5.3.4). */
    static ScriptedSmtpServer acceptingUpTo(int maxBytes) {
        return new ScriptedSmtpServer(false, null, false, maxBytes);
    }

    /** The mails taken by a server with a size limit, as received. */
    java.util.List<String> mails() {
        return mails;
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The most mails that were being sent over different connections at the same time. */
    int mostAtOnce() {
        return mostAtOnce.get();
    }

    int accepted() {
        return accepted.get();
    }

    int connections() {
        return connections.get();
    }

    /** How many NOOP and RSET commands came. */
    int checks() {
        return checks.get();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread session = new Thread(() -> {
                    try (client) {
                        converse(client);
                    } catch (IOException | InterruptedException gone) {
                        // the test is over, or the client hung up
                    }
                }, "scripted-smtp-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException closed) {
                // the test is over
            }
        }
    }

    private void converse(Socket client) throws IOException, InterruptedException {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = client.getOutputStream();
        connections.incrementAndGet();
        say(out, "220 scripted.test ESMTP");
        String line;
        while ((line = in.readLine()) != null) {
            String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
            switch (command) {
                case "EHLO", "HELO" -> say(out, "250 scripted.test");
                case "MAIL" -> say(out, "250 OK");
                case "RSET", "NOOP" -> {
                    checks.incrementAndGet();
                    say(out, "250 OK");
                }
                case "RCPT" -> say(out, refuseRecipients
                        ? "550 5.1.1 <" + line.replaceAll(".*<|>.*", "") + ">: no such user" : "250 OK");
                case "DATA" -> {
                    say(out, "354 go ahead");
                    StringBuilder mail = new StringBuilder();
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        if (maxBytes > 0 && mail.length() <= maxBytes) {
                            mail.append(line).append("\r\n");
                        }
                    }
                    if (maxBytes > 0 && mail.length() > maxBytes) {
                        say(out, "552 5.3.4 Message size exceeds fixed maximum message size");
                        continue;
                    }
                    if (maxBytes > 0) {
                        mails.add(mail.toString());
                    }
                    say(out, data());
                    if (hangUpAfterMail) {
                        return;
                    }
                }
                case "QUIT" -> {
                    say(out, "221 bye");
                    return;
                }
                default -> say(out, "502 5.5.2 not implemented");
            }
        }
    }

    private String data() throws InterruptedException {
        if (together == null) {
            accepted.incrementAndGet();
            return "250 OK";
        }
        int now = sending.incrementAndGet();
        mostAtOnce.accumulateAndGet(now, Math::max);
        try {
            together.countDown();
            if (!together.await(10, TimeUnit.SECONDS)) {
                return "451 4.3.0 alone: try again later";
            }
            accepted.incrementAndGet();
            return "250 OK";
        } finally {
            sending.decrementAndGet();
        }
    }

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
