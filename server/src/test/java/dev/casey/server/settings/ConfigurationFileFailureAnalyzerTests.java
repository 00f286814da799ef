package dev.casey.server.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.context.ApplicationContextException;
import org.springframework.core.io.support.SpringFactoriesLoader;

class ConfigurationFileFailureAnalyzerTests {

    @TempDir
    Path dir;

    @Test
    void givenARefusedValueDeepInTheStartFailure_whenAnalyzed_thenTheFileAndTheKeyAreTheDescription() throws Exception {
        Path file = Files.writeString(dir.resolve("casey.json"), "{\"mailSyncTimer\": 0}");
        Throwable refusal = catchThrowable(() -> new ConfigFile(file.toString()).settings());
        // as Spring reports it: the web server that could not start, for a bean that could not be created
        Throwable failure = new ApplicationContextException("Unable to start web server",
                new BeanCreationException("apiTokenFilter", "Unsatisfied dependency", refusal));

        FailureAnalysis analysis = new ConfigurationFileFailureAnalyzer().analyze(failure);

        assertThat(analysis.getDescription())
                .startsWith("The configuration file " + file + " is not valid: mailSyncTimer must be");
        assertThat(analysis.getAction()).startsWith("Correct that value in " + file + ", or remove the key");
        assertThat(analysis.getCause()).isSameAs(refusal);
    }

    @Test
    void givenAnotherFailure_whenAnalyzed_thenItLeavesItToSpringBoot() {
        assertThat(new ConfigurationFileFailureAnalyzer().analyze(new IllegalStateException("something else")))
                .isNull();
    }

    @Test
    void itIsRegisteredWithSpringBoot() {
        // Spring Boot's own analyzers want constructor arguments only it gives: they are not what this is about
        assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(FailureAnalyzer.class,
                (factoryType, factoryImplementationName, failure) -> { }))
                .hasAtLeastOneElementOfType(ConfigurationFileFailureAnalyzer.class);
    }
}
