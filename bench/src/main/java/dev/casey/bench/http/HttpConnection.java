package dev.casey.bench.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection of one client thread, blocking: a request is written and its answer read on the
 * thread that sends it. The load driver shares the service's two cores, and {@code java.net.http} took 1.0 ms of CPU per
 * message posted and 1.6 ms per case opened (bench/README.md, "The driver's share of the cores"): it hands every
 * request to its selector thread and back. Speaks only what caseyd answers: a body of known length or chunked, and
 * {@code Connection: close}.
 */
final class HttpConnection implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final InetSocketAddress address;
    private final String host;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    HttpConnection(String host, int port) {
        this.address = new InetSocketAddress(host, port);
        this.host = host + ":" + port;
    }

    /**
     * Sends the request and reads its answer. A connection the server closed while it was idle is noticed only when
     * no answer comes: the request is then sent once more on a new one.
     */
    CaseyApi.Answer exchange(String method, String target, String headers, byte[] body, Duration timeout)
            throws IOException {
        byte[] request = request(method, target, headers, body);
        if (socket != null) {
            try {
                return once(request, timeout);
            } catch (NoAnswer stale) {
                // closed; a new connection below
            }
        }
        open();
        return once(request, timeout);
    }

    private CaseyApi.Answer once(byte[] request, Duration timeout) throws IOException {
        try {
            int first;
            try {
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
                out.write(request);
                out.flush();
                first = in.read();
            } catch (SocketException reset) {
                throw new NoAnswer(reset.toString());
            }
            if (first < 0) {
                throw new NoAnswer("the connection was closed before an answer");
            }
            return answer(first);
        } catch (IOException e) {
            close(); // left in the middle of an exchange: it cannot be used again
            throw e;
        } catch (RuntimeException malformed) {
            close();
            throw new IOException("a malformed answer: " + malformed, malformed);
        }
    }

    /** Not a byte of an answer came: the server closed the connection, or reset it. */
    private static final class NoAnswer extends IOException {
        NoAnswer(String message) {
            super(message);
        }
    }

    private byte[] request(String method, String target, String headers, byte[] body) {
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n").append(headers);
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        byte[] start = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body == null || body.length == 0) {
            return start;
        }
        byte[] all = new byte[start.length + body.length];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(body, 0, all, start.length, body.length);
        return all;
    }

    private CaseyApi.Answer answer(int first) throws IOException {
        String statusLine = (char) first + line();
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.x answer: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closing = statusLine.startsWith("HTTP/1.0");
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            String name = header.substring(0, Math.max(colon, 0)).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.endsWith("chunked");
                case "connection" -> closing = value.contains("close") || (closing && !value.contains("keep-alive"));
                default -> { }
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(length > 0 ? (int) length : 256);
        if (chunked) {
            for (long size = chunkSize(); size > 0; size = chunkSize()) {
                copy(size, body);
                line();
            }
            while (!line().isEmpty()) {
                // trailers: none that matter here
            }
        } else if (length >= 0) {
            copy(length, body);
        } else if (status >= 200 && status != 204 && status != 304) {
            in.transferTo(body); // until the server closes
            closing = true;
        }
        if (closing) {
            close();
        }
        return new CaseyApi.Answer(status, body.toString(StandardCharsets.UTF_8));
    }

    private long chunkSize() throws IOException {
        String size = line();
        int extension = size.indexOf(';');
        return Long.parseLong((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
    }

    private void copy(long length, ByteArrayOutputStream to) throws IOException {
        byte[] buffer = new byte[8192];
        for (long left = length; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException("the answer ended " + left + " bytes early");
            }
            to.write(buffer, 0, n);
            left -= n;
        }
    }

    /** A line of the head, without its CRLF (or LF). */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the answer ended inside its head");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private void open() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(address, (int) CONNECT_TIMEOUT.toMillis());
            in = new BufferedInputStream(s.getInputStream(), 16384);
            out = s.getOutputStream();
            socket = s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}
