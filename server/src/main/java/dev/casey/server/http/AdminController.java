package dev.casey.server.http;

import dev.casey.query.ReadModelRebuild;
import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Maintenance of the service (admin scope). */
@RestController
@RequestMapping(path = "/api/casey/v1/admin", produces = "application/json")
class AdminController {

    private static final Logger LOG = LoggerFactory.getLogger(AdminController.class);
    private static final String REBUILD = "/read-models/rebuild";
    private static final String STATUS = "/api/casey/v1/admin" + REBUILD;

    private final ReadModelRebuild rebuild;

    AdminController(ReadModelRebuild rebuild) {
        this.rebuild = rebuild;
    }

    /** Whether a rebuild runs (on any instance), how far it got, and how the last one ended. */
    @GetMapping(REBUILD)
    ReadModelRebuild.Status rebuildStatus() {
        return rebuild.status();
    }

    /**
     * Builds the case and person read models anew from the event store, while the service goes on, and puts right
     * what the mail gateway keeps from the same events. With {@code Prefer: respond-async} (RFC 7240) it answers 202
     * at once, with the status to follow in Location; otherwise when the rebuild is done.
     */
    @PostMapping(REBUILD)
    ResponseEntity<?> rebuildReadModels(@RequestHeader(name = "Prefer", required = false) List<String> prefer) {
        if (prefer != null && prefer.stream().flatMap(header -> Arrays.stream(header.split(",")))
                .map(preference -> preference.split(";", 2)[0].trim()).anyMatch("respond-async"::equalsIgnoreCase)) {
            rebuild.start();
            return ResponseEntity.accepted().location(URI.create(STATUS)).header("Preference-Applied", "respond-async")
                    .body(rebuild.status());
        }
        ReadModelRebuild.Result result = rebuild.rebuild();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("events", result.events());
        answer.put("cases", result.cases());
        answer.put("persons", result.persons());
        answer.put("repaired", result.repaired());
        answer.put("millis", result.took().toMillis());
        answer.put("eventsPerSecond", result.took().isZero() ? 0
                : Math.round(result.events() / (result.took().toNanos() / 1e9)));
        // on record also when the caller gave up waiting: a large store takes minutes
        LOG.info("read models rebuilt: {}", answer);
        return ResponseEntity.ok(answer);
    }
}
