package dev.casey.server.http;

import dev.casey.query.ReadModelRebuild;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Maintenance of the service (admin scope). */
@RestController
@RequestMapping(path = "/api/casey/v1/admin", produces = "application/json")
class AdminController {

    private static final Logger LOG = LoggerFactory.getLogger(AdminController.class);

    private final ReadModelRebuild rebuild;

    AdminController(ReadModelRebuild rebuild) {
        this.rebuild = rebuild;
    }

    /** Whether a rebuild runs (on any instance), how far it got, and how the last one ended. */
    @GetMapping("/read-models/rebuild")
    ReadModelRebuild.Status rebuildStatus() {
        return rebuild.status();
    }

    /**
     * Builds the case and person read models anew from the event store, while the service goes on, and puts right
     * what the mail gateway keeps from the same events.
     */
    @PostMapping("/read-models/rebuild")
    Map<String, Object> rebuildReadModels() {
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
        return answer;
    }
}
