package dev.casey.bench.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few calls of Casey's HTTP API the load runs make, on {@code java.net.http}. One instance is shared by all
 * client threads: its connection pool keeps one keep-alive connection per thread busy.
 */
public final class CaseyApi {

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

    private final HttpClient client;
    private final String root;
    private final String base;
    private final String token;

    /** @param root e.g. {@code http://127.0.0.1:8080} */
    public CaseyApi(String root, String token) {
        // HTTP/1.1 without the h2c upgrade dance: what a reverse proxy in front of Casey speaks to it
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.root = root;
        this.base = root + "/api/casey/v1";
        this.token = token;
    }

    public Answer get(String path) {
        return send(request(base + path).GET());
    }

    public Answer postJson(String path, String json) {
        return send(request(base + path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A POST that may take long (a rebuild of a large store), waited for up to {@code timeout}. */
    public Answer postJson(String path, String json, Duration timeout) {
        return send(request(base + path).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Answer post(String path, String contentType, byte[] body) {
        return send(request(base + path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A path outside the API, e.g. {@code /actuator/metrics/jvm.memory.used}. */
    public Answer getOutside(String path) {
        return send(request(root + path).GET());
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

    private HttpRequest.Builder request(String url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Answer(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "interrupted");
        }
    }
}
