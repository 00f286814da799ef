package dev.casey.server.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
