package dev.casey.server.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTests {

    @TempDir
    Path dir;

    @Test
    void givenNoFile_whenRead_thenTheDefaults() {
        assertThat(new ConfigFile("").read()).isEmpty();
        assertThat(new ConfigFile("").settings().explicitValues()).isEmpty();
    }

    @Test
    void givenAFileNamedThatDoesNotExist_whenRead_thenItSaysSoNamingIt() {
        Path missing = dir.resolve("casey.json");
        assertThatThrownBy(() -> new ConfigFile(missing.toString()).settings())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The configuration file " + missing + " does not exist (create it, e.g. with {}, or leave "
                        + "out --config and CASEY_CONFIG_FILE to run on the defaults)");
    }

    @Test
    void givenAnEmptyObject_whenRead_thenTheDefaults() throws Exception {
        Path empty = Files.writeString(dir.resolve("casey.json"), "{}");
        assertThat(new ConfigFile(empty.toString()).read()).isEmpty();
    }

    @Test
    void givenAFileThatCannotBeRenamedOnto_whenWritten_thenItIsWrittenInPlaceAndNoCopyIsLeft() throws Exception {
        Path file = Files.writeString(dir.resolve("casey.json"), "{\"mailSyncTimer\": 60}");
        ConfigFile mounted = new ConfigFile(file.toString(), (temp, target) -> {
            throw new FileSystemException(temp.toString(), target.toString(), "Device or resource busy");
        });
        mounted.write(Map.of("mailSyncTimer", 120, "smtpPassword", "secret"));
        assertThat(mounted.read()).isEqualTo(Map.of("mailSyncTimer", 120, "smtpPassword", "secret"));
        assertThat(dir.toFile().list()).containsExactly("casey.json");
    }

    @Test
    void givenAFileThatCannotBeWrittenAtAll_whenWritten_thenItSaysWhyAndNoCopyIsLeft() throws Exception {
        // a directory where the file should be: it can be neither renamed onto nor written
        Path file = Files.createDirectory(dir.resolve("casey.json"));
        Files.writeString(file.resolve("occupied"), "");
        assertThatThrownBy(() -> new ConfigFile(file.toString()).write(Map.of("smtpPassword", "secret")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("cannot write the configuration file " + file + ": ");
        assertThat(dir.toFile().list()).containsExactly("casey.json");
    }

    @Test
    void givenAWritableFile_whenWritten_thenItIsReplacedAndNoCopyIsLeft() throws Exception {
        Path file = Files.writeString(dir.resolve("casey.json"), "{}");
        new ConfigFile(file.toString()).write(Map.of("mailSyncTimer", 120));
        assertThat(new ConfigFile(file.toString()).read()).isEqualTo(Map.of("mailSyncTimer", 120));
        assertThat(dir.toFile().list()).containsExactly("casey.json");
    }
}
