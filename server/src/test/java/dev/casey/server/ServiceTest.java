package dev.casey.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * The running service on a real embedded PostgreSQL and a real HTTP port. Each subclass gets its
 * own data directory, hence its own database.
 */
@SpringBootTest(classes = CaseyApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class ServiceTest {

    static {
        CaseyApplication.quietAxon();
    }

    protected static Path newDataDir(String name) {
        try {
            return Files.createTempDirectory("casey-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
