package dev.casey.bench.http;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few calls of Casey's HTTP API the load runs make, over HTTP/1.1 ({@link HttpConnection}). One instance is
 * shared by all client threads, each with a keep-alive connection of its own.
 */
public final class CaseyApi {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern UUID_FIELD = Pattern.compile("\"uuid\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    /** An answer: status and body. */
    public record Answer(int status, String body) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The {@code uuid} of a creation answer; the body is tiny and flat, a regular expression does. */
        public String uuid() {
            Matcher m = UUID_FIELD.matcher(body);
            if (!m.find()) {
                throw new IllegalStateException("no uuid in answer " + status + ": " + body);
            }
            return m.group(1);
        }
    }

    /** The path caseyd is served under ({@code ""} at the root); the API is below it. */
    private final String root;
    private final String base;
    private final String authorization;
    /** Each client thread its own keep-alive connection, as a closed-loop client has. */
    private final ThreadLocal<HttpConnection> connections;

    /** @param root e.g. {@code http://127.0.0.1:8080} */
    public CaseyApi(String root, String token) {
        URI uri = URI.create(root);
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("an http:// address of caseyd, not " + root);
        }
        this.root = uri.getRawPath().replaceFirst("/$", "");
        this.base = root + "/api/casey/v1";
        this.authorization = token == null ? "" : "Authorization: Bearer " + token + "\r\n";
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        this.connections = ThreadLocal.withInitial(() -> new HttpConnection(uri.getHost(), port));
    }

    public Answer get(String path) {
        return send("GET", base + path, null, null, TIMEOUT);
    }

    public Answer postJson(String path, String json) {
        return postJson(path, json, TIMEOUT);
    }

    /** A POST that may take long (a rebuild of a large store), waited for up to {@code timeout}. */
    public Answer postJson(String path, String json, Duration timeout) {
        return send("POST", base + path, "application/json", json.getBytes(StandardCharsets.UTF_8), timeout);
    }

    public Answer post(String path, String contentType, byte[] body) {
        return send("POST", base + path, contentType, body, TIMEOUT);
    }

    /** A path outside the API, e.g. {@code /actuator/metrics/jvm.memory.used}. */
    public Answer getOutside(String path) {
        return send("GET", root + path, null, null, TIMEOUT);
    }

    public String openCase(String creatorName, String creatorEmail, String subject, String message) {
        Answer a = postJson("/cases", """
                {"creator": {"name": "%s", "email": "%s"}, "subject": "%s", "message": "%s"}"""
                .formatted(creatorName, creatorEmail, subject, message));
        if (a.status() != 201) {
            throw new IllegalStateException("cannot open a case: " + a.status() + " " + a.body());
        }
        return a.uuid();
    }

    /** Registers a team member; one already registered (409) is fine. */
    public void teamMember(String name, String email) {
        person(name, email, true);
    }

    /** Registers a person, in the team or not; one already registered (409) is fine. */
    public void person(String name, String email, boolean team) {
        Answer a = postJson("/persons", """
                {"name": "%s", "email": "%s", "team": %s}""".formatted(name, email, team));
        if (a.status() != 201 && a.status() != 409) {
            throw new IllegalStateException("cannot register " + email + ": " + a.status() + " " + a.body());
        }
    }

    private Answer send(String method, String target, String contentType, byte[] body, Duration timeout) {
        String headers = contentType == null ? authorization
                : authorization + "Content-Type: " + contentType + "\r\n";
        try {
            return connections.get().exchange(method, target, headers, body, timeout);
        } catch (IOException e) {
            return new Answer(-1, e.toString());
        }
    }
}
