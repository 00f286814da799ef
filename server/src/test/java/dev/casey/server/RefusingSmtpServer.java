package dev.casey.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** An SMTP server that refuses every recipient for good (550), as a real one does for a dead address. */
final class RefusingSmtpServer implements AutoCloseable {

    private final ServerSocket socket;
    private final Thread acceptor;

    RefusingSmtpServer() {
        try {
            socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::accept, "refusing-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                converse(client);
            } catch (IOException closed) {
                // the test is over, or the client hung up
            }
        }
    }

    private static void converse(Socket client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = client.getOutputStream();
        say(out, "220 refusing.test ESMTP");
        String line;
        while ((line = in.readLine()) != null) {
            String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
            switch (command) {
                case "EHLO", "HELO" -> say(out, "250 refusing.test");
                case "MAIL", "RSET", "NOOP" -> say(out, "250 OK");
                case "RCPT" -> say(out, "550 5.1.1 <" + line.replaceAll(".*<|>.*", "") + ">: no such user");
                case "QUIT" -> {
                    say(out, "221 bye");
                    return;
                }
                default -> say(out, "502 5.5.2 not implemented");
            }
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
