package dev.casey.bench.mail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An SMTP server that accepts every mail and keeps none: the outside world for HTTP write runs with mail delivery
 * on ({@code MAIL=1 run-http.sh}), so that composing and sending count in caseyd's CPU while the receiving side
 * costs next to nothing (GreenMail parses and stores every mail). Plain SMTP on loopback, no TLS, no AUTH; prints
 * how many mails it took every 10 s.
 *
 * <p>{@code java -cp … dev.casey.bench.mail.SmtpSink [port]} (default 2525)
 */
public final class SmtpSink {

    private static final AtomicLong MAILS = new AtomicLong();

    private SmtpSink() {
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 2525;
        try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            Thread report = new Thread(() -> {
                while (true) {
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    System.out.println("smtp sink: " + MAILS.get() + " mails");
                }
            });
            report.setDaemon(true);
            report.start();
            System.out.println("smtp sink listening on 127.0.0.1:" + port);
            while (true) {
                Socket client = server.accept();
                Thread session = new Thread(() -> serve(client));
                session.setDaemon(true);
                session.start();
            }
        }
    }

    private static void serve(Socket client) {
        try (client; BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                StandardCharsets.ISO_8859_1)); OutputStream out = client.getOutputStream()) {
            reply(out, "220 sink ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                String verb = line.length() < 4 ? line.toUpperCase(Locale.ROOT) : line.substring(0, 4).toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> reply(out, "250-sink\r\n250-8BITMIME\r\n250 PIPELINING");
                    case "DATA" -> {
                        reply(out, "354 go on");
                        while ((line = in.readLine()) != null && !line.equals(".")) {
                            // discarded
                        }
                        MAILS.incrementAndGet();
                        reply(out, "250 taken");
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "250 ok");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
