package dev.casey.server.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a body sent with a {@code Content-Encoding} (gzip, say) with 415, as RFC 9110 (15.5.16) asks: nothing here
 * decodes one, so a compressed body was read as it came, as JSON it is not (a 400 blaming the JSON) or as a mail of
 * compressed bytes; and a plain body labelled gzip was taken although its label said otherwise.
 */
class ContentEncodingFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        for (String header : Collections.list(request.getHeaders(HttpHeaders.CONTENT_ENCODING))) {
            for (String coding : header.split(",")) {
                String name = coding.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !name.equals("identity")) {
                    response.setHeader(HttpHeaders.ACCEPT_ENCODING, "identity");
                    Problems.write(request, response, Problems.problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                            "UNSUPPORTED_MEDIA_TYPE", "Content-Encoding " + name.replaceAll("[^a-z0-9._-]", "?")
                                    + " is not accepted: send the body as it is, without a Content-Encoding", null));
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }
}
