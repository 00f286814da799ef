package dev.casey.server.http;

import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.common.LostRaces;
import dev.casey.api.supportcase.CaseMeta;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingPathVariableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The one place where failures become HTTP answers: business refusals by their error code, bad
 * input by what was wrong with which field, Spring MVC's own errors as problem+json.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);
    private static final String META_PREFIX = "meta.";

    @ExceptionHandler(CaseyRefusal.class)
    ResponseEntity<ProblemDetail> refused(CaseyRefusal refusal) {
        return answer(refusalProblem(refusal));
    }

    static ProblemDetail refusalProblem(CaseyRefusal refusal) {
        HttpStatus status = switch (refusal.code().kind()) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case GONE -> HttpStatus.GONE;
            case UNPROCESSABLE -> HttpStatus.UNPROCESSABLE_CONTENT;
            case PRECONDITION_FAILED -> HttpStatus.PRECONDITION_FAILED;
        };
        return Problems.problem(status, refusal.code().name(), refusal.getMessage(), refusal.field());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        String expected = e.getRequiredType() == null ? "a valid value" : switch (e.getRequiredType().getSimpleName()) {
            case "UUID" -> "a UUID";
            case "Instant" -> "an ISO-8601 instant such as 2026-11-23T12:00:00Z";
            case "int", "Integer", "long", "Long" -> "a whole number";
            case "boolean", "Boolean" -> "true or false";
            default -> "a valid " + e.getRequiredType().getSimpleName();
        };
        return answer(Problems.problem(HttpStatus.BAD_REQUEST, "INVALID_VALUE", e.getName() + " must be " + expected,
                e.getName()));
    }

    /** A query such as {@code ?q=%ZZ}: Tomcat will not guess what was meant, and neither do we. */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> undecodableParameter(InvalidParameterException e) {
        return answer(Problems.problem(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST",
                "a request parameter is not valid percent-encoded UTF-8", null));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        CaseyRefusal refusal = causeOf(e, CaseyRefusal.class);
        if (refusal != null) {
            return refused(refusal);
        }
        if (causeOf(e, OutOfMemoryError.class) != null) {
            // the driver reports it as a resource failure of the database, which was fine: say what it was
            log.warn("Answering 503: not enough memory for this request at this moment ({})", e.getMessage());
            return unavailable("OUT_OF_MEMORY", "5", "the service has not enough memory for this request at this "
                    + "moment; nothing was changed, try again shortly");
        }
        if (DatabaseOutage.causedBy(e)) {
            log.warn("Answering 503: the database is not reachable ({})", e.getMessage());
            return unavailable("DATABASE_UNAVAILABLE", "5", "the database is not reachable; nothing was changed, try "
                    + "again shortly");
        }
        if (causeOf(e, CommandTurns.NoTurn.class) != null) {
            log.warn("Answering 503: no turn for a command ({})", e.getMessage());
            return unavailable("SERVICE_BUSY", "1", "the service is running as many changes as it may at once and "
                    + "none ended in time; nothing was changed, try again shortly");
        }
        if (LostRaces.lostARace(e)) {
            // the retries were spent on a case that others keep writing to: an expected outcome of contention, and
            // the rolled-back work makes a repeat (with the same Idempotency-Key) safe
            log.warn("Answering 503: still losing the race for a case after every retry ({})", e.getMessage());
            return unavailable("CASE_BUSY", "1", "the case is being changed by many requests at once; nothing was "
                    + "changed, try again shortly (with the same Idempotency-Key, a repeat cannot apply it twice)");
        }
        log.error("Unexpected failure", e);
        return answer(Problems.problem(HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR",
                "the request could not be completed; it has been logged", null));
    }

    private static ResponseEntity<ProblemDetail> unavailable(String code, String retryAfter, String detail) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, retryAfter)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, code, detail, null));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        RequestSizeFilter.RequestTooLargeException tooLarge = causeOf(e, RequestSizeFilter.RequestTooLargeException.class);
        if (tooLarge != null) {
            return withBody(RequestSizeFilter.tooLarge(tooLarge.max()));
        }
        return withBody(unreadable(e));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = e.getBindingResult().getFieldErrors().stream()
                .map(error -> Map.of("field", error.getField(), "message", error.getField() + " " + error.getDefaultMessage()))
                .toList();
        String detail = errors.stream().map(error -> error.get("message")).collect(Collectors.joining("; "));
        return withBody(Problems.invalid("INVALID_REQUEST", detail, errors));
    }

    /** A blank id ({@code /case/%20}) converts to no UUID at all: Spring calls that "not present", code BAD_REQUEST. */
    @Override
    protected ResponseEntity<Object> handleMissingPathVariable(MissingPathVariableException e, HttpHeaders headers,
                                                               HttpStatusCode status, WebRequest request) {
        String name = e.getVariableName();
        String expected = e.getParameter().getParameterType() == UUID.class ? "a UUID" : "given";
        return withBody(Problems.problem(HttpStatus.BAD_REQUEST, "INVALID_VALUE", name + " must be " + expected, name));
    }

    /** Spring's word for it names "static resources", which this service has none of. */
    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException e, HttpHeaders headers,
                                                                    HttpStatusCode status, WebRequest request) {
        String path = request instanceof ServletWebRequest servlet ? servlet.getRequest().getRequestURI()
                : "/" + e.getResourcePath();
        String hint = path.endsWith("/") && path.length() > 1 ? " (paths have no trailing slash)" : "";
        return withBody(Problems.problem(HttpStatus.NOT_FOUND, "NOT_FOUND", "no " + e.getHttpMethod() + " "
                + path + hint, null));
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
                                                          WebRequest request) {
        if (body instanceof ProblemDetail problem && problem.getProperties() == null) {
            problem.setProperty("code", HttpStatus.valueOf(status.value()).name());
        }
        return super.createResponseEntity(body, headers, status, request);
    }

    private static ProblemDetail unreadable(HttpMessageNotReadableException e) {
        JacksonException json = causeOf(e, JacksonException.class);
        if (json == null) {
            return Problems.problem(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST",
                    "the request body is missing or cannot be read", null);
        }
        String field = path(json);
        if (json instanceof UnrecognizedPropertyException unknown) {
            return Problems.invalid("UNKNOWN_FIELD", "unknown field " + field,
                    List.of(Map.of("field", field, "message", "unknown field " + unknown.getPropertyName())));
        }
        if (json instanceof StorableText.UnstorableTextException) {
            String message = field + " " + json.getOriginalMessage();
            return Problems.invalid("INVALID_VALUE", message, List.of(Map.of("field", field, "message", message)));
        }
        if (json instanceof InvalidNullException) {
            return Problems.invalid("INVALID_REQUEST", field + " must not be null",
                    List.of(Map.of("field", field, "message", field + " must not be null")));
        }
        if (json instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            String metaKey = field.startsWith(META_PREFIX) ? field.substring(META_PREFIX.length()) : "";
            if (CaseMeta.isReserved(metaKey)) {
                // the key is refused whatever its value: one of another type is not what is wrong
                String message = CaseMeta.reservedMessage(metaKey);
                return Problems.invalid(ErrorCode.RESERVED_META_KEY.name(), message,
                        List.of(Map.of("field", field, "message", message)));
            }
            String expected = typeName(mismatch.getTargetType());
            if (field.isEmpty()) {
                return Problems.problem(HttpStatus.BAD_REQUEST, "WRONG_TYPE", "the request body must be " + expected, null);
            }
            return Problems.invalid("WRONG_TYPE", field + " must be " + expected,
                    List.of(Map.of("field", field, "message", field + " must be " + expected)));
        }
        if (json instanceof StreamReadException read && read.getLocation() != null) {
            return Problems.problem(HttpStatus.BAD_REQUEST, "MALFORMED_JSON", "the request body is not valid JSON "
                    + "(line " + read.getLocation().getLineNr() + ", column " + read.getLocation().getColumnNr() + ")",
                    null);
        }
        return Problems.problem(HttpStatus.BAD_REQUEST, "MALFORMED_JSON",
                "the request body does not have the expected shape", field.isEmpty() ? null : field);
    }

    private static String typeName(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.stream(type.getEnumConstants())
                    .map(c -> c.toString().toLowerCase(java.util.Locale.ROOT)).collect(Collectors.joining(", "));
        }
        return "an object";
    }

    /** The JSON path of the failing value, such as {@code creator.email} or {@code tags[0]}. */
    private static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static ResponseEntity<Object> withBody(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
