package dev.casey.server.http;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;

/** A stored file sent as a download, a part at a time: a few parallel downloads of large files must not fill the heap. */
final class Downloads {

    /** The bytes read and written at a time. */
    static final int PART = 1024 * 1024;

    /** Reads up to {@code length} bytes from {@code offset} on; empty past the end (or when the file went meanwhile). */
    @FunctionalInterface
    interface Parts {
        byte[] read(long offset, int length);
    }

    private Downloads() {
    }

    static void send(HttpServletResponse response, String contentType, String filename, long size, Parts parts)
            throws IOException {
        response.setContentType(contentType);
        response.setContentLengthLong(size);
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                .filename(filename, StandardCharsets.UTF_8).build().toString());
        response.setHeader("X-Content-Type-Options", "nosniff");
        OutputStream out = response.getOutputStream();
        for (long offset = 0; offset < size; offset += PART) {
            byte[] part = parts.read(offset, PART);
            if (part.length == 0) {
                break; // gone meanwhile: the length told the client it is short
            }
            out.write(part);
        }
    }
}
