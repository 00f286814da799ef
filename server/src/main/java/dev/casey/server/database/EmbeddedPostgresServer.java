package dev.casey.server.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the embedded PostgreSQL on a data directory that may have been left behind by a killed
 * service. PostgreSQL runs as a child process: when the JVM is killed with SIGKILL the postmaster
 * outlives it and keeps the data directory locked, so it is shut down before a new one starts.
 * Only ever with the {@link DataDirectoryLock} held: a postmaster running then has lost its service, whereas
 * without it the postmaster may be a live service's own.
 */
final class EmbeddedPostgresServer {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final Duration ORPHAN_SHUTDOWN = Duration.ofSeconds(30);

    private EmbeddedPostgresServer() {
    }

    static EmbeddedPostgres start(Path dataDir, String synchronousCommit) throws IOException {
        Files.createDirectories(dataDir);
        stopOrphan(dataDir);
        log.info("Starting embedded PostgreSQL with its data in {}", dataDir.toAbsolutePath());
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setServerConfig("synchronous_commit", synchronousCommit)
                // the library starts PostgreSQL with -F (no fsync), fit for tests only: the embedded default keeps
                // data, and an OS crash or power loss must not take more than the last moments (synchronous_commit)
                .setServerConfig("fsync", "on")
                .setServerConfig("max_connections", "200")
                .setPGStartupWait(Duration.ofSeconds(60))
                // the library's own JVM shutdown hook stopped PostgreSQL alongside Spring's, under the timers and
                // requests still finishing; the context closes it as a bean, after everything that uses it
                .setRegisterShutdownHook(false)
                .start();
    }

    /** Shuts down a postmaster still running on this data directory after its JVM died. */
    static void stopOrphan(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> orphan = readPid(pidFile).flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
        if (orphan.isEmpty()) {
            return; // a stale file only: PostgreSQL itself recovers from it
        }
        ProcessHandle postmaster = orphan.get();
        log.warn("An embedded PostgreSQL (pid {}) from an earlier run still holds {}: shutting it down",
                postmaster.pid(), dataDir);
        postmaster.destroy(); // SIGTERM: its clients are gone, so it shuts down cleanly
        try {
            postmaster.onExit().get(ORPHAN_SHUTDOWN.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception timedOut) {
            log.warn("PostgreSQL (pid {}) did not stop in {}; killing it (crash recovery follows)",
                    postmaster.pid(), ORPHAN_SHUTDOWN);
            postmaster.destroyForcibly();
            postmaster.onExit().join();
        }
    }

    private static Optional<Long> readPid(Path pidFile) throws IOException {
        List<String> lines = Files.readAllLines(pidFile);
        try {
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
