package dev.casey.server.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryLockTests {

    @TempDir
    Path dataDir;

    @Test
    void givenAnotherCaseydHoldingTheDirectory_whenTaken_thenItNamesThatCaseydUntilItIsKilled() throws Exception {
        Process other = holding("casey", dataDir);
        try {
            assertThatThrownBy(() -> DataDirectoryLock.take(dataDir, dataDir.resolve("postgres")))
                    .isInstanceOf(DataDirectoryLock.InUse.class)
                    .hasMessage("Another caseyd (pid " + other.pid() + ") uses " + dataDir + " (its embedded "
                            + "PostgreSQL); stop it, or give this one another directory (CASEY_DATA_DIR) or a database "
                            + "(CASEY_DB_URL)");
        } finally {
            other.destroyForcibly(); // as kill -9: the operating system drops its lock
            other.waitFor();
        }
        try (DataDirectoryLock ours = DataDirectoryLock.take(dataDir, dataDir.resolve("postgres"))) {
            assertThat(Files.readString(dataDir.resolve(DataDirectoryLock.FILE_NAME)).trim())
                    .isEqualTo(String.valueOf(ProcessHandle.current().pid()));
        }
    }

    @Test
    void givenAnEarlierVersionHoldingTheEmbeddedDatabase_whenTaken_thenItIsInUse() throws Exception {
        Process older = holding("file", dataDir.resolve("postgres").resolve(DataDirectoryLock.LIBRARY_LOCK));
        try {
            assertThatThrownBy(() -> DataDirectoryLock.take(dataDir, dataDir.resolve("postgres")))
                    .isInstanceOf(DataDirectoryLock.InUse.class).hasMessageStartingWith("Another caseyd (pid unknown)");
        } finally {
            older.destroyForcibly();
            older.waitFor();
        }
        DataDirectoryLock.take(dataDir, dataDir.resolve("postgres")).close();
    }

    @Test
    void givenASecondServiceInThisJvm_whenTaken_thenItIsInUseUntilTheFirstLetsGo() throws Exception {
        DataDirectoryLock first = DataDirectoryLock.take(dataDir, dataDir.resolve("postgres"));
        assertThatThrownBy(() -> DataDirectoryLock.take(dataDir, dataDir.resolve("postgres")))
                .isInstanceOf(DataDirectoryLock.InUse.class);
        assertThat(heldByAnotherProcess()).as("the refused attempt left the first one's lock alone").isTrue();
        first.close();
        DataDirectoryLock.take(dataDir, dataDir.resolve("postgres")).close();
    }

    /** Whether a process of its own finds the directory locked. */
    private boolean heldByAnotherProcess() throws Exception {
        Process probe = holding("casey", dataDir, false);
        try {
            return !probe.waitFor(30, TimeUnit.SECONDS) || probe.exitValue() != 0;
        } finally {
            probe.destroyForcibly();
        }
    }

    private static Process holding(String what, Path path) throws IOException {
        return holding(what, path, true);
    }

    /** Starts a {@link LockHolder}; {@code awaitLock}: returns once it holds the lock. */
    private static Process holding(String what, Path path, boolean awaitLock) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), what, path.toString()).redirectErrorStream(true).start();
        if (awaitLock) {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as("the holder's first line").isEqualTo("locked");
        } else {
            process.getOutputStream().close(); // it lets go at once, should it get the lock
        }
        return process;
    }
}
