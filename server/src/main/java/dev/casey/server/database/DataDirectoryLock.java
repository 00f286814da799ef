package dev.casey.server.database;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who uses the data directory of the embedded default: a lock on {@code caseyd.lock} in it, held while the embedded
 * PostgreSQL runs. The operating system drops the lock when its process dies, even of a {@code kill -9}, so a lock
 * that is held means a live caseyd, while a postmaster whose directory is not locked was left behind by a dead one.
 */
final class DataDirectoryLock implements AutoCloseable {

    static final String FILE_NAME = "caseyd.lock";
    /** The lock of the embedded PostgreSQL library in its data directory: also held by versions before this lock. */
    static final String LIBRARY_LOCK = "epg-lock";

    /** Another caseyd uses the data directory; nothing was touched. */
    static final class InUse extends IllegalStateException {
        InUse(String message) {
            super(message);
        }
    }

    /**
     * The lock files this JVM holds (services started side by side in tests). It must not open a held one once more:
     * closing any channel of a file drops all of the process's locks on it (POSIX), the other service's too.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code dataDir}, the embedded PostgreSQL's files in {@code postgresDir}.
     *
     * @throws InUse when another caseyd holds it, or the embedded PostgreSQL library's own lock in {@code postgresDir}
     */
    static DataDirectoryLock take(Path dataDir, Path postgresDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE_NAME).toAbsolutePath().normalize();
        if (!HELD.add(file)) {
            throw inUse(dataDir, String.valueOf(ProcessHandle.current().pid()));
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            HELD.remove(file);
            throw e;
        }
        try {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw inUse(dataDir, holder(file));
            }
            if (libraryLockHeld(postgresDir.resolve(LIBRARY_LOCK))) {
                lock.release();
                throw inUse(dataDir, "unknown");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.force(false);
            return new DataDirectoryLock(file, channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            HELD.remove(file);
            throw e;
        }
    }

    /** Null when another holds it; a second service in this JVM counts as another too. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException inThisJvm) {
            return null;
        }
    }

    /** Only tried, never kept: the library takes it itself when it starts PostgreSQL. */
    private static boolean libraryLockHeld(Path file) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        }
    }

    /** The pid its holder wrote, as far as it can be read. */
    private static String holder(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d+") ? pid : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static InUse inUse(Path dataDir, String pid) {
        return new InUse("Another caseyd (pid " + pid + ") uses " + dataDir + " (its embedded PostgreSQL); stop it, "
                + "or give this one another directory (CASEY_DATA_DIR) or a database (CASEY_DB_URL)");
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
            HELD.remove(file);
        }
    }
}
