package dev.casey.server.settings;

import dev.casey.api.settings.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The JSON configuration file given by {@code --config} or {@code CASEY_CONFIG_FILE}, if any. */
@Component
public class ConfigFile {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Path path;

    public ConfigFile(@Value("${casey.config-file:}") String path) {
        this.path = path == null || path.isBlank() ? null : Path.of(path);
    }

    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /**
     * The keys in the file; none when no file was given.
     *
     * @throws IllegalStateException when the file given does not exist: a mistyped path or a volume not mounted would
     *                               otherwise run the service on the defaults without a word
     */
    public Map<String, Object> read() {
        if (path == null) {
            return Map.of();
        }
        if (!Files.exists(path)) {
            throw new IllegalStateException("The configuration file " + path + " does not exist (create it, e.g. with "
                    + "{}, or leave out --config and CASEY_CONFIG_FILE to run on the defaults)");
        }
        try {
            return JSON.readValue(path.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (JacksonException e) {
            throw new IllegalStateException("The configuration file " + path + " is not a JSON object of keys: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * The file's keys, checked as a runtime change is: a value Casey refuses stops the start, naming the file and the
     * key, wherever the file is read first.
     */
    public Settings settings() {
        try {
            return Settings.defaults().with(read());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("The configuration file " + path + " is not valid: " + e.getMessage(), e);
        }
    }

    /** Replaces the file in one step, so that a crash leaves the old or the new file, never half of one. */
    void write(Map<String, Object> values) {
        Path target = path.toAbsolutePath();
        try {
            Path temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
            JSON.writeValue(temp.toFile(), values);
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the configuration file " + target, e);
        }
    }
}
