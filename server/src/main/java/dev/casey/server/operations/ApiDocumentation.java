package dev.casey.server.operations;

import dev.casey.server.CaseyApplication;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description of the HTTP API ({@code /v3/api-docs}, Swagger UI at
 * {@code /swagger-ui.html}). Summaries and error answers are added here rather than as annotations,
 * so the controllers stay readable; {@code ApiDocumentationTests} fails when an endpoint has none.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

    static final String BASE = "/api/casey/v1";
    static final String BEARER = "bearerToken";
    static final String PROBLEM = "Problem";

    /** One line per operation, by method and path below {@link #BASE}. */
    static final Map<String, String> SUMMARIES = Map.ofEntries(
            Map.entry("POST /persons", "Register a person (the address is unique, in any case)"),
            Map.entry("GET /persons", "List persons by name, a page at a time; optionally only the team (team=true) or everyone else, or those whose name or address contains q"),
            Map.entry("GET /persons/{uuid}", "One person"),
            Map.entry("PATCH /persons/{uuid}", "Change a person's name, address or team membership"),
            Map.entry("POST /persons/{uuid}/retire", "Take a person out of the team"),
            Map.entry("GET /persons/{uuid}/cases", "The cases a person takes part in"),
            Map.entry("POST /cases", "Open a case (Idempotency-Key makes a retry a no-op)"),
            Map.entry("GET /cases", "List and search cases, newest activity first"),
            Map.entry("GET /case/{uuid}", "A case, now or as it stood at asOf"),
            Map.entry("PATCH /case/{uuid}", "Change a case's category, tags or meta; with If-Match: \"<version>\" (the"
                    + " ETag of GET) only while the case is at that version"),
            Map.entry("GET /case/{uuid}/history", "Every event of a case, in order"),
            Map.entry("GET /case/{uuid}/attachments/{attachment}", "Download an attachment of a case"),
            Map.entry("POST /case/{uuid}/messages", "Post a message from a participant or team member "
                    + "(Idempotency-Key makes a retry a no-op)"),
            Map.entry("POST /case/{uuid}/close", "Close a case"),
            Map.entry("POST /case/{uuid}/reopen", "Reopen a closed case"),
            Map.entry("POST /confirm/{code}", "Confirm a pending case with its confirmation code"),
            Map.entry("GET /config", "The configuration in force (secrets hidden; admin scope)"),
            Map.entry("POST /config", "Change configuration keys at runtime (admin scope)"),
            Map.entry("POST /config/commit", "Write the configuration in force to the configuration file (admin scope)"),
            Map.entry("POST /mail/inbound", "Hand over an inbound mail, as JSON or raw message/rfc822 (mail scope)"),
            Map.entry("GET /mail/inbound", "Inbound mails as received, newest first, optionally of one outcome "
                    + "(quarantined, rate_limited, …), with what became of each (mail scope)"),
            Map.entry("GET /mail/inbound/{id}", "One inbound mail's record (mail scope)"),
            Map.entry("GET /mail/inbound/{id}/raw", "An inbound mail's bytes as received, message/rfc822 (mail scope)"),
            Map.entry("POST /mail/inbound/{id}/retry", "Handle a quarantined or held-back mail again, as if it arrived "
                    + "now (not held back again); its record names the new one (mail scope)"),
            Map.entry("GET /mail/outbox", "Mails waiting for an external relay, oldest first, with the attachments "
                    + "they carry; a listing holds at most 16 MiB of raw mail, or one larger mail (mail scope)"),
            Map.entry("POST /mail/outbox/{id}/sent", "Acknowledge that the relay sent a mail (mail scope)"),
            Map.entry("GET /admin/read-models/rebuild",
                    "Whether a rebuild runs on any instance, how far it got, how the last one ended (admin scope)"),
            Map.entry("POST /admin/read-models/rebuild",
                    "Build the case and person read models anew from the event store, while commands go on; 409 while one"
                            + " runs (admin scope)"));

    @Bean
    OpenAPI caseyOpenApi() {
        String version = Objects.requireNonNullElse(CaseyApplication.class.getPackage().getImplementationVersion(),
                "development");
        return new OpenAPI()
                .info(new Info().title("Casey").version(version).description("""
                        A headless, event-sourced support case service: cases are opened over HTTP, then customers \
                        and the support team talk through one support address. Every change is an event, so a \
                        case's history can be read back and the case viewed as it stood at any instant.

                        Base path `%s`. Authenticate with `Authorization: Bearer <token>` (tokens from the \
                        `apiTokens` setting; scopes `cases`, `mail`, `admin`). Errors are \
                        `application/problem+json` with a stable `code` and, where one input is to blame, the \
                        `field`.""".formatted(BASE)))
                .components(new Components()
                        .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("A token from the apiTokens setting. Without any tokens configured, "
                                        + "only clients on the same machine are served, without a token.")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    /** Groups in the UI by what they are about, not by controller class. */
    static final Map<String, Tag> TAGS = Map.of(
            "case-controller", new Tag().name("Cases").description("Open, read, answer, close and search cases"),
            "person-controller", new Tag().name("Persons").description("Customers and the support team"),
            "mail-controller", new Tag().name("Mail").description("Inbound mail over HTTP and the outbound relay"),
            "config-controller", new Tag().name("Configuration").description("Runtime configuration (admin scope)"));

    /** Operations that answer 201 with a Location (springdoc cannot see it inside a ResponseEntity). */
    static final Set<String> CREATING = Set.of("POST /persons", "POST /cases", "POST /case/{uuid}/messages");

    @Bean
    OpenApiCustomizer summariesAndProblems() {
        return openApi -> {
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            // springdoc builds the schemas itself, replacing any set on the OpenAPI bean
            if (openApi.getComponents().getSchemas() != null) {
                openApi.getComponents().getSchemas().values().forEach(ApiDocumentation::lowerCaseEnums);
            }
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                String key = method.name() + " " + (path.startsWith(BASE) ? path.substring(BASE.length()) : path);
                String summary = SUMMARIES.get(key);
                if (summary != null) {
                    operation.setSummary(summary);
                }
                problems(path, method, operation);
                special(key, operation.getResponses());
                if (operation.getTags() != null) {
                    operation.setTags(operation.getTags().stream()
                            .map(tag -> TAGS.containsKey(tag) ? TAGS.get(tag).getName() : tag).toList());
                }
            }));
            openApi.setTags(TAGS.values().stream().sorted(Comparator.comparing(Tag::getName)).toList());
        };
    }

    /**
     * The values of enums as the API writes them ({@code "open"}, {@code "http"}: Casey's mapper writes enums in lower
     * case), not as springdoc reads them off the Java constants: a client generated from the upper-case ones failed on
     * the first case it read.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void lowerCaseEnums(Schema schema) {
        if (schema == null) {
            return;
        }
        if (schema.getEnum() != null) {
            schema.setEnum(((List<Object>) schema.getEnum()).stream()
                    .map(value -> value instanceof String text ? text.toLowerCase(Locale.ROOT) : value).toList());
        }
        if (schema.getProperties() != null) {
            ((Map<String, Schema>) schema.getProperties()).values().forEach(ApiDocumentation::lowerCaseEnums);
        }
        lowerCaseEnums(schema.getItems());
        if (schema.getAdditionalProperties() instanceof Schema values) {
            lowerCaseEnums(values);
        }
    }

    private static void special(String key, ApiResponses responses) {
        ApiResponse ok = responses.get("200");
        if (CREATING.contains(key) && ok != null) {
            ok.addHeaderObject("Location", new Header().description("The path of what was created")
                    .schema(new StringSchema().format("uri-reference")));
        }
        if ((key.equals("GET /case/{uuid}") || key.equals("PATCH /case/{uuid}")) && ok != null) {
            ok.addHeaderObject("ETag", new Header().description("The case's version, \"<version>\", for If-Match")
                    .schema(new StringSchema()));
        }
        if (CREATING.contains(key) && ok != null) {
            responses.remove("200");
            responses.addApiResponse("201", ok.description("Created; the Location header names it")
                    .content(json(created(key))));
        }
        if (key.equals("POST /confirm/{code}")) {
            responses.addApiResponse("410", problem("The confirmation code has expired (CONFIRMATION_EXPIRED)"));
        }
        if (key.equals("POST /admin/read-models/rebuild")) {
            responses.addApiResponse("202", new ApiResponse().description(
                    "With Prefer: respond-async: the rebuild started; GET the same path for its progress"));
        }
        // a retry is answered as the mail was when it came
        if ((key.equals("POST /mail/inbound") || key.equals("POST /mail/inbound/{id}/retry")) && ok != null) {
            responses.addApiResponse("201", new ApiResponse().description("The mail opened a case or was posted to one")
                    .content(ok.getContent()));
            ok.description("Handled without a new message: duplicate, automatic reply, bounce, held back, refused");
            responses.addApiResponse("422", problem("The mail cannot be used; it was kept in quarantine as the record "
                    + "the problem's mail names (UNPROCESSABLE_MAIL)"));
        }
        if (key.equals("POST /config/commit")) {
            responses.addApiResponse("503", problem("The configuration file cannot be written"));
        }
        if (key.equals("POST /cases") || key.equals("POST /case/{uuid}/messages")) {
            responses.addApiResponse("422", problem("The Idempotency-Key was used before for another request "
                    + "(IDEMPOTENCY_KEY_REUSED): a retry repeats the request as it was, a new request takes a new key"));
        }
        if (key.equals("PATCH /case/{uuid}")) {
            responses.addApiResponse("412", problem("If-Match names a version the case is not at (VERSION_MISMATCH)"));
        }
    }

    /** The error answers every operation may give, all in the one problem+json shape. */
    private static void problems(String path, PathItem.HttpMethod method, Operation operation) {
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        responses.addApiResponse("400", problem("Invalid input: unknown or mistyped field, malformed JSON, "
                + "invalid address or UUID (code and field say which)"));
        responses.addApiResponse("401", problem("No token, or an unknown one"));
        responses.addApiResponse("403", problem("The token lacks the scope, the sender takes no part in the "
                + "case, or no tokens are configured and the client is not on this machine"));
        if (path.contains("{")) {
            responses.addApiResponse("404", problem("No such case, person, attachment or mail"));
        }
        if (method == PathItem.HttpMethod.POST || method == PathItem.HttpMethod.PATCH) {
            responses.addApiResponse("409", problem("Refused by the current state (address taken, case closed …)"));
        }
        if (operation.getRequestBody() != null) {
            responses.addApiResponse("413", problem("The body is larger than requestMaxBytes"));
            responses.addApiResponse("415", problem("The body is not of a content type this operation reads"));
        }
        responses.addApiResponse("503", problem("The database is out of reach (DATABASE_UNAVAILABLE), the service "
                + "short of memory (OUT_OF_MEMORY), the case written to by too many at once (CASE_BUSY) or the service "
                + "running as many changes as it may at once for too long (SERVICE_BUSY): nothing was changed, try "
                + "again after Retry-After seconds"));
        responses.addApiResponse("default", problem("Any other refusal (410, 412, 422 …), same shape"));
        operation.setResponses(responses);
    }

    /** What the 201 of a creating operation holds. */
    private static Schema<?> created(String key) {
        Schema<?> schema = new ObjectSchema().addProperty("uuid", new StringSchema().format("uuid"));
        if (key.equals("POST /cases")) {
            schema.addProperty("reference", new StringSchema().example("FKQX-YY7M"));
            schema.addProperty("status", new StringSchema().example("open")
                    .description("open, or pending while the creator is to confirm"));
        }
        if (key.equals("POST /case/{uuid}/messages")) {
            schema.addProperty("case", new StringSchema().format("uuid"));
        }
        return schema;
    }

    private static Content json(Schema<?> schema) {
        return new Content().addMediaType("application/json", new MediaType().schema(schema));
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType(
                "application/problem+json", new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    }

    @SuppressWarnings("rawtypes")
    private static Schema problemSchema() {
        ObjectSchema fieldError = new ObjectSchema();
        fieldError.addProperty("field", new StringSchema());
        fieldError.addProperty("message", new StringSchema());
        Schema<?> schema = new ObjectSchema().description("RFC 9457 problem details with Casey's code and field");
        schema.addProperty("type", new StringSchema().format("uri"));
        schema.addProperty("title", new StringSchema().example("Bad Request"));
        schema.addProperty("status", new IntegerSchema().example(400));
        schema.addProperty("detail", new StringSchema().example("size must be between 1 and 200"));
        schema.addProperty("instance", new StringSchema().format("uri-reference"));
        schema.addProperty("code", new StringSchema().example("INVALID_VALUE")
                .description("Stable, for programs: what went wrong"));
        schema.addProperty("field", new StringSchema().example("size")
                .description("The input to blame, when there is one"));
        schema.addProperty("errors", new ArraySchema().items(fieldError)
                .description("Every invalid field, when several are"));
        schema.addProperty("mail", new StringSchema().format("uuid")
                .description("UNPROCESSABLE_MAIL: the record the mail is kept as (GET /mail/inbound/{id})"));
        schema.setRequired(List.of("status", "code"));
        return schema;
    }
}
