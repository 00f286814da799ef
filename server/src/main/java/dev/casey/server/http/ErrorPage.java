package dev.casey.server.http;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet container's error page, in place of Spring Boot's: what Tomcat answers itself after a request reached
 * it (408 for a body that stopped coming) came as {@code {timestamp, status, error, path}}, the one error of the API
 * that was no problem+json; and {@code /error} asked for directly was a 500 with status 999.
 */
@Hidden
@RestController
class ErrorPage implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value ? HttpStatus.resolve(value) : null;
        ProblemDetail problem;
        if (code == null) {
            problem = Problems.problem(HttpStatus.NOT_FOUND, "NOT_FOUND", "no " + request.getMethod() + " "
                    + request.getRequestURI(), null);
        } else if (status == null || status.is5xxServerError()) {
            problem = Problems.problem(HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR",
                    "the request could not be completed; it has been logged", null);
        } else {
            problem = Problems.problem(status, status == HttpStatus.BAD_REQUEST ? "MALFORMED_REQUEST" : status.name(),
                    "the HTTP request was refused: " + status.getReasonPhrase(), null);
        }
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        try {
            problem.setInstance(URI.create(uri instanceof String path ? path : request.getRequestURI()));
        } catch (IllegalArgumentException notAUri) {
            // the request line Tomcat let through is no URI reference: the problem says what it can without it
        }
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
