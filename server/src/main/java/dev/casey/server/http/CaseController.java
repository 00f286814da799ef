package dev.casey.server.http;

import dev.casey.api.common.Actor;
import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.EmailAddresses;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.common.Source;
import dev.casey.api.supportcase.AttachmentContent;
import dev.casey.api.supportcase.CaseHistory;
import dev.casey.api.supportcase.CasePage;
import dev.casey.api.supportcase.CaseStatus;
import dev.casey.api.supportcase.CaseView;
import dev.casey.api.supportcase.CloseCaseCommand;
import dev.casey.api.supportcase.ConfirmCaseByCodeCommand;
import dev.casey.api.supportcase.FetchAttachmentPartQuery;
import dev.casey.api.supportcase.FetchAttachmentQuery;
import dev.casey.api.supportcase.FetchCaseHistoryQuery;
import dev.casey.api.supportcase.FetchCaseQuery;
import dev.casey.api.supportcase.FetchMailDeliveriesQuery;
import dev.casey.api.supportcase.MailDeliveries;
import dev.casey.api.supportcase.MessageView;
import dev.casey.api.supportcase.FindCasesQuery;
import dev.casey.api.supportcase.OpenCaseCommand;
import dev.casey.api.supportcase.PostMessageCommand;
import dev.casey.api.supportcase.PostOutcome;
import dev.casey.api.supportcase.ReopenCaseCommand;
import dev.casey.api.supportcase.UpdateCaseDetailsCommand;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConflictingAggregateVersionException;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Cases over HTTP, on the seed's paths: {@code POST /cases} creates, {@code /case/{uuid}} is one
 * case. An {@code Idempotency-Key} header makes a retried create or post a no-op, and another request under the same
 * key a refusal.
 */
@RestController
@RequestMapping(path = "/api/casey/v1", produces = "application/json")
class CaseController {

    static final int MAX_PAGE_SIZE = 200;
    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /** The creator of a new case. */
    record Creator(@NotNull String name, @NotNull String email) {
    }

    /** Opens a case. */
    record OpenRequest(@NotNull @Valid Creator creator, @NotNull String subject, @NotNull String message,
                       String category, List<String> tags, Map<String, String> meta) {
    }

    /** Posts a message to a case. */
    record MessageRequest(@NotNull String from, @NotNull String message) {
    }

    /** Closes or reopens a case, optionally saying why. */
    record ReasonRequest(String reason) {
    }

    /** Changes category, tags or meta; absent fields stay as they are. */
    record DetailsRequest(String category, List<String> tags, Map<String, String> meta) {
    }

    private final CommandSender commands;
    private final QueryGateway queries;

    CaseController(CommandSender commands, QueryGateway queries) {
        this.commands = commands;
        this.queries = queries;
    }

    @PostMapping(path = "/cases", consumes = "application/json")
    ResponseEntity<Map<String, Object>> open(@Valid @RequestBody OpenRequest body,
                                             @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key,
                                             HttpServletRequest request) {
        Actor actor = RequestActor.of(request);
        UUID caseId = key == null ? UUID.randomUUID() : derived("case", actor.name(), key);
        Optional<CaseView> existing = key == null ? Optional.empty() : find(caseId, null);
        boolean retried = existing.isPresent();
        if (!retried) {
            try {
                commands.send(new OpenCaseCommand(caseId, body.subject(), body.creator().name(), body.creator().email(),
                        body.message(), UUID.randomUUID(), body.category(), body.tags(), body.meta(), null, List.of(),
                        actor, Source.HTTP), ErrorCode.CASE_NOT_FOUND, null);
            } catch (AggregateStreamCreationException sameKeyAtTheSameTime) {
                // a concurrent request with the same key opened it first: answer as it was answered
                retried = true;
            }
        }
        CaseView opened = existing.orElseGet(() -> find(caseId, null).orElseThrow(() -> notFound(caseId)));
        if (retried) {
            requireSameRequest(openingDifferences(opened, body));
        }
        Map<String, Object> created = new LinkedHashMap<>();
        created.put("uuid", opened.uuid());
        created.put("reference", opened.reference());
        created.put("status", opened.status());
        return ResponseEntity.created(location(caseId)).body(created);
    }

    @GetMapping("/case/{uuid}")
    ResponseEntity<CaseView> one(@PathVariable UUID uuid, @RequestParam(required = false) Instant asOf) {
        return withETag(get(uuid, asOf));
    }

    @GetMapping("/case/{uuid}/history")
    CaseHistory history(@PathVariable UUID uuid) {
        return queries.query(new FetchCaseHistoryQuery(uuid), ResponseTypes.optionalInstanceOf(CaseHistory.class))
                .join().orElseThrow(() -> notFound(uuid));
    }

    @GetMapping(path = "/case/{uuid}/attachments/{attachment}", produces = MediaType.ALL_VALUE)
    void attachment(@PathVariable UUID uuid, @PathVariable UUID attachment, HttpServletResponse response)
            throws IOException {
        AttachmentContent content = queries.query(new FetchAttachmentQuery(uuid, attachment),
                        ResponseTypes.optionalInstanceOf(AttachmentContent.class)).join()
                .orElseThrow(() -> new CaseyRefusal(ErrorCode.ATTACHMENT_NOT_FOUND, "no attachment " + attachment
                        + " in case " + uuid));
        MediaType type;
        try {
            type = MediaType.parseMediaType(content.contentType());
        } catch (InvalidMediaTypeException e) {
            type = MediaType.APPLICATION_OCTET_STREAM;
        }
        String filename = content.filename() == null ? "attachment" : content.filename();
        Downloads.send(response, type.toString(), filename, content.size(), (offset, length) ->
                queries.query(new FetchAttachmentPartQuery(uuid, attachment, offset, length), byte[].class).join());
    }

    @PostMapping(path = "/case/{uuid}/messages", consumes = "application/json")
    ResponseEntity<Map<String, Object>> post(@PathVariable UUID uuid, @Valid @RequestBody MessageRequest body,
                                             @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key,
                                             HttpServletRequest request) {
        Actor actor = RequestActor.of(request);
        UUID messageId = key == null ? UUID.randomUUID() : derived("message:" + uuid, actor.name(), key);
        PostOutcome outcome = commands.send(new PostMessageCommand(uuid, messageId, body.from(), null, body.message(),
                null, List.of(), actor, Source.HTTP), ErrorCode.CASE_NOT_FOUND, "no case " + uuid);
        if (outcome == PostOutcome.REPEATED) {
            // the case takes a message id it has seen for the same message, whatever the request says now: what the
            // view keeps tells a retry from another request under the same key, even one that raced the first
            find(uuid, null).flatMap(kase -> kase.messages().stream().filter(m -> m.uuid().equals(messageId)).findFirst())
                    .ifPresent(posted -> requireSameRequest(messageDifferences(posted, body)));
        }
        return ResponseEntity.created(location(uuid)).body(Map.of("uuid", messageId, "case", uuid));
    }

    // the answers that show the case carry its ETag as GET does: a client that closes, reopens or confirms a case and
    // then changes it with If-Match need not read it once more
    @PostMapping("/case/{uuid}/close")
    ResponseEntity<CaseView> close(@PathVariable UUID uuid, @RequestBody(required = false) ReasonRequest body,
                                   HttpServletRequest request) {
        send(new CloseCaseCommand(uuid, reason(body), RequestActor.of(request), Source.HTTP), uuid);
        return withETag(get(uuid, null));
    }

    @PostMapping("/case/{uuid}/reopen")
    ResponseEntity<CaseView> reopen(@PathVariable UUID uuid, @RequestBody(required = false) ReasonRequest body,
                                    HttpServletRequest request) {
        send(new ReopenCaseCommand(uuid, reason(body), RequestActor.of(request), Source.HTTP), uuid);
        return withETag(get(uuid, null));
    }

    @PatchMapping(path = "/case/{uuid}", consumes = "application/json")
    ResponseEntity<CaseView> update(@PathVariable UUID uuid, @RequestBody DetailsRequest body,
                                    @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                    HttpServletRequest request) {
        Long expected = expectedVersion(ifMatch);
        try {
            send(new UpdateCaseDetailsCommand(uuid, body.category(), body.tags(), body.meta(), RequestActor.of(request),
                    Source.HTTP, expected), uuid);
        } catch (RuntimeException e) {
            if (ProblemResponses.causeOf(e, ConflictingAggregateVersionException.class) != null) {
                throw versionMismatch(expected);
            }
            throw e;
        }
        return withETag(get(uuid, null));
    }

    private static ResponseEntity<CaseView> withETag(CaseView kase) {
        return ResponseEntity.ok().eTag(eTag(kase)).body(kase);
    }

    /**
     * The case's version, and what its mails' deliveries are now: those change without a new version (queued, then
     * sent), and a client asking If-None-Match must not be told nothing changed.
     */
    private static String eTag(CaseView kase) {
        List<Object> deliveries = kase.messages().stream().map(m -> (Object) m.deliveries()).toList();
        return kase.version() + "." + Integer.toHexString(deliveries.hashCode());
    }

    /**
     * The version an If-Match names: the ETag of GET /case/{uuid} ({@code "12.5f3a"}: the version before the dot), or
     * none for {@code *} and no header. Anything else matches no version of the case.
     */
    private static Long expectedVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
            return null;
        }
        String tag = ifMatch.strip();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        int dot = tag.indexOf('.');
        try {
            return Long.parseLong(dot < 0 ? tag : tag.substring(0, dot));
        } catch (NumberFormatException e) {
            throw versionMismatch(null);
        }
    }

    private static CaseyRefusal versionMismatch(Long expected) {
        return new CaseyRefusal(ErrorCode.VERSION_MISMATCH, (expected == null ? "If-Match names no version of the case"
                : "the case is not at version " + expected) + "; read it again (GET, its ETag) and repeat the change");
    }

    @PostMapping("/confirm/{code}")
    ResponseEntity<CaseView> confirm(@PathVariable String code, HttpServletRequest request) {
        UUID caseId = commands.send(new ConfirmCaseByCodeCommand(code, RequestActor.of(request), Source.HTTP),
                ErrorCode.CONFIRMATION_CODE_INVALID, "no case waits for this confirmation code");
        return withETag(get(caseId, null));
    }

    @GetMapping("/cases")
    CasePage list(@RequestParam(required = false) String status, @RequestParam(required = false) String category,
                  @RequestParam(required = false) String tag, @RequestParam(required = false) String participant,
                  @RequestParam(required = false) String q, @RequestParam(defaultValue = "0") int page,
                  @RequestParam(defaultValue = "20") int size) {
        return queries.query(new FindCasesQuery(status(status), filter("category", category), filter("tag", tag),
                filter("participant", participant), null, filter("q", q), page(page), size(size)), CasePage.class).join();
    }

    static int page(int page) {
        if (page < 0) {
            throw new CaseyRefusal(ErrorCode.INVALID_VALUE, "page must be 0 or more", "page");
        }
        return page;
    }

    static int size(int size) {
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new CaseyRefusal(ErrorCode.INVALID_VALUE, "size must be between 1 and " + MAX_PAGE_SIZE, "size");
        }
        return size;
    }

    private static CaseStatus status(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            return CaseStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CaseyRefusal(ErrorCode.INVALID_VALUE, "status must be one of " + Arrays.stream(CaseStatus.values())
                    .map(known -> known.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")), "status");
        }
    }

    private void send(Object command, UUID caseId) {
        commands.send(command, ErrorCode.CASE_NOT_FOUND, "no case " + caseId);
    }

    /** The case, and for the case as it is now (every answer that shows one) its messages' mails. */
    private CaseView get(UUID caseId, Instant asOf) {
        CaseView kase = find(caseId, asOf).orElseThrow(() -> notFound(caseId));
        if (asOf != null) {
            return kase; // what became of its mails since is not what the case was then
        }
        return kase.withDeliveries(queries.query(new FetchMailDeliveriesQuery(caseId),
                ResponseTypes.instanceOf(MailDeliveries.class)).join());
    }

    private Optional<CaseView> find(UUID caseId, Instant asOf) {
        return queries.query(new FetchCaseQuery(caseId, asOf), ResponseTypes.optionalInstanceOf(CaseView.class)).join();
    }

    private static CaseyRefusal notFound(UUID caseId) {
        return new CaseyRefusal(ErrorCode.CASE_NOT_FOUND, "no case " + caseId);
    }

    private static URI location(UUID caseId) {
        return URI.create("/api/casey/v1/case/" + caseId);
    }

    /**
     * What a request under an Idempotency-Key asks differently from the one that opened the case: compared as the case
     * keeps it (addresses in any case, subject and name trimmed). Category, tags and meta are not compared: they may
     * have been changed since, and the case no longer shows what the request gave.
     */
    private static List<String> openingDifferences(CaseView opened, OpenRequest body) {
        List<String> differences = new ArrayList<>();
        if (!sameAddress(opened.creator().email(), body.creator().email())) {
            differences.add("creator.email");
        }
        if (!body.creator().name().isBlank() && !body.creator().name().strip().equals(opened.creator().name())) {
            differences.add("creator.name"); // a blank name took the registered person's, which it cannot differ from
        }
        if (!body.subject().strip().equals(opened.subject())) {
            differences.add("subject");
        }
        if (opened.messages().isEmpty() || !body.message().equals(opened.messages().get(0).body())) {
            differences.add("message");
        }
        return differences;
    }

    private static List<String> messageDifferences(MessageView posted, MessageRequest body) {
        List<String> differences = new ArrayList<>();
        if (!sameAddress(posted.author().email(), body.from())) {
            differences.add("from");
        }
        if (!body.message().equals(posted.body())) {
            differences.add("message");
        }
        return differences;
    }

    private static boolean sameAddress(String kept, String given) {
        return EmailAddresses.key(kept).equals(EmailAddresses.key(given));
    }

    /**
     * A key reused for another request is refused rather than answered like the first (draft-ietf-httpapi-idempotency-
     * key-header): the client would take the first request's answer for its own, and what it sent would be lost.
     */
    private static void requireSameRequest(List<String> differences) {
        if (!differences.isEmpty()) {
            throw new CaseyRefusal(ErrorCode.IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_KEY + " was used before for a request "
                    + "with another " + String.join(", ", differences) + "; a retry repeats the request as it was, a new "
                    + "request takes a new key", IDEMPOTENCY_KEY);
        }
    }

    /** The same key from the same client always gives the same id. */
    private static UUID derived(String kind, String client, String key) {
        if (key.isBlank() || key.length() > 200) {
            throw new CaseyRefusal(ErrorCode.INVALID_VALUE, "Idempotency-Key must be 1 to 200 characters", IDEMPOTENCY_KEY);
        }
        return UUID.nameUUIDFromBytes((kind + "\n" + client + "\n" + key).getBytes(StandardCharsets.UTF_8));
    }

    private static String reason(ReasonRequest body) {
        return body == null ? null : blankToNull(body.reason());
    }

    private static String filter(String name, String value) {
        return blankToNull(StorableText.parameter(name, value));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
