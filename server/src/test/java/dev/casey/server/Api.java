package dev.casey.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** A real HTTP client for the running service's API, for end-to-end tests. */
public final class Api {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * A case's JSON with its messages' deliveries null, as in a case as it stood at an instant: what the read side
     * folds from the events (the outbox tells of the mails, and only for the case as it is now).
     */
    public static JsonNode withoutDeliveries(JsonNode kase) {
        JsonNode copy = kase.deepCopy();
        copy.get("messages").forEach(message -> ((ObjectNode) message).putNull("deliveries"));
        return copy;
    }

    /** An answer: status, content type and the body as JSON (null when not JSON). */
    public record Response(int status, String contentType, String location, String text, String etag) {

        public Response(int status, String contentType, String location, String text) {
            this(status, contentType, location, text, null);
        }


        public JsonNode json() {
            return text == null || text.isEmpty() ? null : JSON.readTree(text);
        }

        public String at(String pointer) {
            JsonNode node = json().at(pointer);
            return node.isMissingNode() || node.isNull() ? null : node.asString();
        }

        public boolean isProblem() {
            return contentType != null && contentType.startsWith("application/problem+json");
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    public Api(int port, String token) {
        this.base = "http://127.0.0.1:" + port + "/api/casey/v1";
        this.token = token;
    }

    public Api(int port) {
        this(port, null);
    }

    public Api withToken(String otherToken) {
        return new Api(Integer.parseInt(base.replaceAll(".*:(\\d+)/.*", "$1")), otherToken);
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response post(String path, String contentType, byte[] body) {
        return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public Response post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Response patch(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                    response.headers().firstValue("Location").orElse(null), response.body(),
                    response.headers().firstValue("ETag").orElse(null));
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    /** Registers a person and returns their uuid. */
    public String person(String name, String email, boolean team) {
        Response r = post("/persons", """
                {"name": "%s", "email": "%s", "team": %s}""".formatted(name, email, team));
        if (r.status() != 201) {
            throw new IllegalStateException("cannot register " + email + ": " + r.text());
        }
        return r.at("/uuid");
    }

    /** Opens a case and returns the creation answer. */
    public Response openCase(String creatorName, String creatorEmail, String subject, String message) {
        return post("/cases", """
                {"creator": {"name": "%s", "email": "%s"}, "subject": "%s", "message": "%s"}"""
                .formatted(creatorName, creatorEmail, subject, message));
    }
}
