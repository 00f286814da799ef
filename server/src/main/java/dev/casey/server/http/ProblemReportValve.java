package dev.casey.server.http;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Answers what Tomcat refuses before a request reaches Spring MVC (a request line or headers larger than
 * {@code server.max-http-request-header-size}, a request line that is no HTTP) as problem+json, like every other
 * error of the API, instead of Tomcat's HTML page. Public: Tomcat's host names its error valve by class.
 */
public class ProblemReportValve extends ErrorReportValve {

    private static final int MAX_REASON = 200;

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // as Tomcat's own: only an error nobody has answered yet
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status),
                (status == 400 ? "the HTTP request could not be read" : "the HTTP request was refused")
                        + reason(throwable));
        problem.setProperty("code", status == 400 ? "MALFORMED_REQUEST" : known == null ? "HTTP_" + status
                : known.name());
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(Problems.json(problem, null));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException gone) {
            // the client has gone or the answer was sent meanwhile: there is no one left to tell
        }
    }

    /** Tomcat's reason ("Request header is too large"), which names no secret; cut short, it may quote the request. */
    private static String reason(Throwable throwable) {
        if (throwable == null || throwable.getMessage() == null || throwable.getMessage().isBlank()) {
            return "";
        }
        String reason = throwable.getMessage().strip().replaceAll("\\p{Cntrl}", " ");
        return ": " + (reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "…" : reason);
    }
}
