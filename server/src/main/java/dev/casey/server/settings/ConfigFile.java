package dev.casey.server.settings;

import dev.casey.api.settings.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The JSON configuration file given by {@code --config} or {@code CASEY_CONFIG_FILE}, if any. */
@Component
public class ConfigFile {

    private static final Logger log = LoggerFactory.getLogger(ConfigFile.class);
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Path path;
    private final Replace replace;

    @Autowired
    public ConfigFile(@Value("${casey.config-file:}") String path) {
        this(path, ConfigFile::atomicMove);
    }

    ConfigFile(String path, Replace replace) {
        this.path = path == null || path.isBlank() ? null : Path.of(path);
        this.replace = replace;
    }

    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /**
     * The keys in the file; none when no file was given.
     *
     * @throws ConfigurationFileException when the file given does not exist (a mistyped path or a volume not mounted
     *                                    would otherwise run the service on the defaults without a word), or is no
     *                                    JSON object
     */
    public Map<String, Object> read() {
        if (path == null) {
            return Map.of();
        }
        if (!Files.exists(path)) {
            throw new ConfigurationFileException("The configuration file " + path + " does not exist (create it, e.g. "
                    + "with {}, or leave out --config and CASEY_CONFIG_FILE to run on the defaults)",
                    "Create " + path + " ({} runs on the defaults), correct the path, or leave out --config and "
                            + "CASEY_CONFIG_FILE.", null);
        }
        try {
            return JSON.readValue(path.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (JacksonException e) {
            throw new ConfigurationFileException("The configuration file " + path + " is not a JSON object of keys: "
                    + e.getOriginalMessage(), "Make " + path + " a JSON object of keys, such as "
                    + "{\"mailSyncTimer\": 120} ({} runs on the defaults).", e);
        }
    }

    /**
     * The file's keys, checked as a runtime change is: values Casey refuses stop the start, naming the file and every
     * refused key at once, wherever the file is read first.
     *
     * @throws ConfigurationFileException as {@link #read()} does, and for values Casey refuses
     */
    public Settings settings() {
        Map<String, Object> values = read();
        List<IllegalArgumentException> refusals = new ArrayList<>();
        // each key is checked on its own (no rule here looks at another key), so that an operator mending a file, an
        // upgrade's say, learns all there is to mend from one failed start rather than one key per attempt
        values.forEach((key, value) -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put(key, value);
            try {
                Settings.defaults().with(one);
            } catch (IllegalArgumentException e) {
                refusals.add(e);
            }
        });
        if (!refusals.isEmpty()) {
            boolean many = refusals.size() > 1;
            ConfigurationFileException invalid = new ConfigurationFileException("The configuration file " + path
                    + " is not valid: " + String.join("; ", refusals.stream().map(Throwable::getMessage).toList()),
                    (many ? "Correct those values in " + path + ", or remove the keys to have their defaults"
                            : "Correct that value in " + path + ", or remove the key to have its default")
                            + " (README.md, Configuration, lists the keys and their bounds).", refusals.get(0));
            refusals.stream().skip(1).forEach(invalid::addSuppressed);
            throw invalid;
        }
        return Settings.defaults().with(values);
    }

    /**
     * Replaces the file in one step, so that a crash leaves the old or the new file, never half of one; where it cannot
     * be replaced (a file mounted on its own, as {@code docker run -v ./casey.json:/etc/casey/casey.json} does, cannot
     * be renamed onto: EBUSY or EXDEV), it is written in place. The temporary file holds the passwords and tokens too:
     * it does not outlive the attempt, whatever happens.
     */
    void write(Map<String, Object> values) {
        Path target = path.toAbsolutePath();
        byte[] json = JSON.writeValueAsBytes(values);
        Path temp = null;
        try {
            temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
            writeSynced(temp, json);
            replace.move(temp, target);
        } catch (IOException oneStep) {
            log.warn("Cannot replace the configuration file {} in one step ({}); writing it in place", target,
                    describe(oneStep));
            try {
                writeSynced(target, json);
            } catch (IOException inPlace) {
                inPlace.addSuppressed(oneStep);
                throw new UncheckedIOException("cannot write the configuration file " + target + ": "
                        + describe(inPlace), inPlace);
            }
        } finally {
            deleteQuietly(temp);
        }
    }

    /** How the written temporary file takes the configuration file's place; a test makes it fail. */
    @FunctionalInterface
    interface Replace {
        void move(Path temp, Path target) throws IOException;
    }

    private static void atomicMove(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Truncates and writes the file, and returns only once it is on disk. */
    private static void writeSynced(Path file, byte[] content) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path temp) {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            log.error("Cannot delete {}, a copy of the configuration with its passwords and tokens: delete it by hand "
                    + "({})", temp, describe(e));
        }
    }

    /** The JDK's messages of file errors are often only the path: the exception's type is the reason. */
    private static String describe(IOException e) {
        return e instanceof FileSystemException fs && fs.getReason() == null
                ? e.getClass().getSimpleName() + ": " + e.getMessage()
                : e.toString();
    }
}
