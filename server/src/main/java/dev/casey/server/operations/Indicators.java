package dev.casey.server.operations;

import org.springframework.boot.health.contributor.Health;

/** What the health indicators of Casey's own parts say alike. */
final class Indicators {

    private Indicators() {
    }

    /**
     * What an indicator says when what it reads is out of reach (the database is away, or did not answer by the
     * health check's deadline): the database indicator tells that; this one cannot tell more meanwhile, and must not
     * fail the whole health report.
     */
    static Health unreadable(String what, RuntimeException e) {
        return Health.unknown().withDetail("reason", what + " cannot be read: " + e.getMessage()).build();
    }
}
