package dev.casey.server.http;

import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.EmailAddresses;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.settings.Settings;
import dev.casey.mailgateway.MailSettings;
import dev.casey.mailgateway.inbound.InboundLog;
import dev.casey.mailgateway.inbound.InboundMailProcessor;
import dev.casey.mailgateway.inbound.SubmittedMail;
import dev.casey.mailgateway.outbox.Outbox;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Mail over HTTP: inbound mail (JSON or raw {@code message/rfc822}, handled exactly like mail from
 * IMAP) and the outbox relay for deployments that send mail themselves ({@code mailEnable} off).
 */
@RestController
@RequestMapping(path = "/api/casey/v1/mail", produces = "application/json")
class MailController {

    static final String RFC822 = "message/rfc822";
    /** Raw mail one outbox listing holds at most (it always holds one mail). */
    static final long RELAY_BYTES = 16L * 1024 * 1024;

    private final Object relayListing = new Object();

    /** A mail as JSON: every field required, nothing else allowed. */
    record InboundRequest(@NotNull String from, @NotNull String subject, @NotNull String message) {
    }

    private final InboundMailProcessor inbound;
    private final InboundLog inboundLog;
    private final Outbox outbox;
    private final MailSettings settings;

    MailController(InboundMailProcessor inbound, InboundLog inboundLog, Outbox outbox, MailSettings settings) {
        this.inbound = inbound;
        this.inboundLog = inboundLog;
        this.outbox = outbox;
        this.settings = settings;
    }

    @PostMapping(path = "/inbound", consumes = "application/json")
    ResponseEntity<Map<String, Object>> receive(@Valid @RequestBody InboundRequest body,
                                                @RequestHeader(name = "Idempotency-Key", required = false) String key,
                                                HttpServletRequest request) {
        String from = EmailAddresses.parse(body.from()).orElseThrow(() -> new CaseyRefusal(ErrorCode.INVALID_VALUE,
                "from must be a valid e-mail address", "from"));
        Settings current = settings.current();
        if (EmailAddresses.isSupportAddress(from, current.mailAddress())) {
            // raw mail from the support address is kept as our own mail coming back; a client submitting it as JSON is told
            throw EmailAddresses.supportAddressRefused("from", current.mailAddress());
        }
        String domain = MailSettings.domain(current);
        // the key is the client's for its own mails: another client's (or another sender's) same key is another mail
        String sameMail = key == null ? null : String.join("\n", RequestActor.of(request).name(), EmailAddresses.key(from),
                key);
        if (key != null) {
            // before 2026-12-02 08:10 the bare key made the Message-ID: a retry, after the upgrade, of a mail submitted
            // then is that mail again, when the same sender's (the bare key did not tell senders apart)
            Optional<InboundMailProcessor.Result> before = inbound.earlierFrom(
                    SubmittedMail.keyedMessageId(key, domain), from);
            if (before.isPresent()) {
                return answer(before.get());
            }
        }
        return answer(inbound.receive(SubmittedMail.toRaw(from, body.subject(), body.message(), sameMail, domain),
                InboundMailProcessor.Via.HTTP));
    }

    @PostMapping(path = "/inbound", consumes = RFC822)
    ResponseEntity<Map<String, Object>> receive(@RequestBody byte[] raw) {
        return answer(inbound.receive(raw, InboundMailProcessor.Via.HTTP));
    }

    @GetMapping("/inbound")
    InboundLog.Page inboundMails(@RequestParam(required = false) String outcome,
                                 @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        return inboundLog.list(outcome(outcome), CaseController.page(page), CaseController.size(size));
    }

    @GetMapping("/inbound/{id}")
    InboundLog.Entry inboundMail(@PathVariable UUID id) {
        return inboundLog.find(id).orElseThrow(() -> inboundNotFound(id));
    }

    @GetMapping(path = "/inbound/{id}/raw", produces = RFC822)
    void inboundRaw(@PathVariable UUID id, HttpServletResponse response) throws IOException {
        InboundLog.Entry mail = inboundLog.find(id).orElseThrow(() -> inboundNotFound(id));
        // a mail may be as large as mailMaxBytes
        Downloads.send(response, RFC822, id + ".eml", mail.size(), (offset, length) -> inboundLog.rawPart(id, offset,
                length));
    }

    @PostMapping("/inbound/{id}/retry")
    ResponseEntity<Map<String, Object>> retry(@PathVariable UUID id) {
        return answer(inbound.retry(id));
    }

    private static Optional<InboundMailProcessor.Outcome> outcome(String outcome) {
        if (outcome == null || outcome.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InboundMailProcessor.Outcome.valueOf(outcome.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new CaseyRefusal(ErrorCode.INVALID_VALUE, "outcome must be one of " + Arrays.stream(
                    InboundMailProcessor.Outcome.values()).map(o -> o.name().toLowerCase(Locale.ROOT)).toList(), "outcome");
        }
    }

    private static CaseyRefusal inboundNotFound(UUID id) {
        return new CaseyRefusal(ErrorCode.MAIL_NOT_FOUND, "no inbound mail " + id);
    }

    @GetMapping("/outbox")
    Map<String, Object> pending(@RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new CaseyRefusal(ErrorCode.INVALID_VALUE, "limit must be between 1 and 1000", "limit");
        }
        // a listing holds its mails with their attachments, twice over in JSON: one at a time, or a few relays asking
        // at once would need a heap of their own
        synchronized (relayListing) {
            return Map.of("mails", relayViews(limit));
        }
    }

    private List<Map<String, Object>> relayViews(int limit) {
        List<Map<String, Object>> mails = new ArrayList<>();
        long bytes = 0;
        for (Outbox.Entry mail : outbox.pending(limit)) {
            byte[] raw = outbox.sendable(mail).toByteArray();
            // mails carrying attachments are large: a listing stops before it holds more than RELAY_BYTES of them
            if (!mails.isEmpty() && bytes + raw.length > RELAY_BYTES) {
                break;
            }
            bytes += raw.length;
            mails.add(relayView(mail, raw));
        }
        return mails;
    }

    @PostMapping("/outbox/{id}/sent")
    Map<String, Object> sent(@PathVariable UUID id) {
        if (!outbox.relayed(id)) {
            throw new CaseyRefusal(ErrorCode.MAIL_NOT_FOUND, "no outgoing mail " + id);
        }
        Outbox.Entry entry = outbox.byId(id).orElseThrow();
        return Map.of("id", id, "state", entry.state().name().toLowerCase());
    }

    private static Map<String, Object> relayView(Outbox.Entry mail, byte[] raw) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", mail.id());
        view.put("case", mail.caseId());
        view.put("to", mail.recipient());
        view.put("subject", mail.subject());
        view.put("headers", mail.headers());
        view.put("body", mail.bodyText());
        view.put("raw", Base64.getEncoder().encodeToString(raw));
        view.put("createdAt", mail.createdAt());
        return view;
    }

    private static ResponseEntity<Map<String, Object>> answer(InboundMailProcessor.Result result) {
        if (result.outcome() == InboundMailProcessor.Outcome.QUARANTINED) {
            // the record's id as a member of its own, as every other answer names it: a program should not have to
            // read it out of the detail, which is for people
            ProblemDetail problem = ProblemResponses.refusalProblem(new CaseyRefusal(ErrorCode.UNPROCESSABLE_MAIL,
                    "the mail was kept in quarantine as " + result.mail() + ": " + result.detail()));
            problem.setProperty("mail", result.mail());
            throw new ErrorResponseException(HttpStatus.UNPROCESSABLE_CONTENT, problem, null);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("outcome", result.outcome().name().toLowerCase());
        body.put("case", result.caseId());
        body.put("detail", result.detail());
        body.put("mail", result.mail());
        HttpStatus status = switch (result.outcome()) {
            case OPENED, POSTED -> HttpStatus.CREATED;
            default -> HttpStatus.OK;
        };
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
