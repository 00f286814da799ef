package dev.casey.server.database;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Holds a lock in a JVM of its own until its standard input closes, as another caseyd would: {@code casey DIR} takes
 * the data directory's lock, {@code file FILE} only locks that file (as the embedded PostgreSQL library does).
 */
public final class LockHolder {

    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[1]);
        AutoCloseable held;
        if (args[0].equals("casey")) {
            held = DataDirectoryLock.take(path, path.resolve("postgres"));
        } else {
            Files.createDirectories(path.getParent());
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel.lock();
            held = channel;
        }
        System.out.println("locked");
        System.out.flush();
        while (System.in.read() >= 0) {
            // held until the test lets go
        }
        held.close();
    }
}
