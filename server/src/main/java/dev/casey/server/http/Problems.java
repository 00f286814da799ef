package dev.casey.server.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the problem+json answers. Every problem carries a stable {@code code} for programs and,
 * where one input is to blame, the {@code field}.
 */
final class Problems {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Problems() {
    }

    static ProblemDetail problem(HttpStatus status, String code, String detail, String field) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setProperty("code", code);
        if (field != null) {
            problem.setProperty("field", field);
        }
        return problem;
    }

    static ProblemDetail invalid(String code, String detail, List<Map<String, String>> errors) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, code, detail,
                errors.size() == 1 ? errors.get(0).get("field") : null);
        problem.setProperty("errors", errors);
        return problem;
    }

    /** Writes a problem from outside Spring MVC (filters), in the shape Spring MVC gives it. */
    static void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem)
            throws IOException {
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        JSON.writeValue(response.getOutputStream(), body(problem, request.getRequestURI()));
    }

    /** A problem as JSON, in the shape Spring MVC gives it, for what writes outside it (Tomcat's error valve). */
    static String json(ProblemDetail problem, String instance) {
        return JSON.writeValueAsString(body(problem, instance));
    }

    private static Map<String, Object> body(ProblemDetail problem, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("detail", problem.getDetail());
        if (instance != null) {
            body.put("instance", instance);
        }
        body.put("status", problem.getStatus());
        body.put("title", problem.getTitle());
        if (problem.getProperties() != null) {
            body.putAll(problem.getProperties());
        }
        return body;
    }
}
