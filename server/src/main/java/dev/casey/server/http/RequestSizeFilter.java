package dev.casey.server.http;

import dev.casey.server.settings.SettingsService;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies above {@code requestMaxBytes} with 413: at once when Content-Length says
 * so, otherwise (chunked bodies) as soon as reading passes the limit.
 */
class RequestSizeFilter extends OncePerRequestFilter {

    private final SettingsService settings;

    RequestSizeFilter(SettingsService settings) {
        this.settings = settings;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long max = settings.current().requestMaxBytes();
        if (request.getContentLengthLong() > max) {
            Problems.write(request, response, tooLarge(max));
            return;
        }
        chain.doFilter(new LimitedRequest(request, max), response);
    }

    static org.springframework.http.ProblemDetail tooLarge(long max) {
        return Problems.problem(HttpStatus.CONTENT_TOO_LARGE, "REQUEST_TOO_LARGE",
                "the request body is larger than " + max + " bytes (requestMaxBytes)", null);
    }

    /** Thrown while reading a body that passes the limit. */
    static final class RequestTooLargeException extends IOException {
        private final long max;

        RequestTooLargeException(long max) {
            super("request body larger than " + max + " bytes");
            this.max = max;
        }

        long max() {
            return max;
        }
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long max;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedStream(super.getInputStream(), max);
            }
            return stream;
        }
    }

    private static final class LimitedStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long max;
        private long read;

        LimitedStream(ServletInputStream in, long max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws RequestTooLargeException {
            read += n;
            if (read > max) {
                throw new RequestTooLargeException(max);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
