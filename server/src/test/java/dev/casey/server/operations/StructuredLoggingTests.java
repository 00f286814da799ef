package dev.casey.server.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code CASEY_LOG_FORMAT=json} turns the console log into one ECS JSON object per line. */
class StructuredLoggingTests {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void givenCaseyLogFormatJson_thenEveryConsoleLineIsEcsJson() throws Exception {
        List<String> lines = run("json");
        String probe = lines.stream().filter(line -> line.contains(LogFormatProbe.MESSAGE)).findFirst().orElseThrow(
                () -> new AssertionError("the probe's line is missing from " + lines));
        JsonNode event = JSON.readTree(probe);
        assertThat(event.path("@timestamp").asString("")).matches("\\d{4}-\\d\\d-\\d\\dT.*");
        JsonNode level = event.has("log.level") ? event.get("log.level") : event.at("/log/level");
        assertThat(level.asString("")).isEqualTo("INFO");
        assertThat(event.path("message").asString("")).isEqualTo(LogFormatProbe.MESSAGE);
        assertThat(event.at("/service/name").asString("")).isEqualTo("caseyd");
        for (String line : lines) {
            assertThat(JSON.readTree(line).isObject()).as(line).isTrue();
        }
    }

    @Test
    void givenNoLogFormat_thenTheLogStaysReadable() throws Exception {
        List<String> lines = run(null);
        String probe = lines.stream().filter(line -> line.contains(LogFormatProbe.MESSAGE)).findFirst().orElseThrow(
                () -> new AssertionError("the probe's line is missing from " + lines));
        assertThat(probe).doesNotStartWith("{").contains("INFO").contains(LogFormatProbe.class.getSimpleName());
    }

    /** The non-blank console lines of the probe application run with this CASEY_LOG_FORMAT. */
    static List<String> run(String format) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LogFormatProbe.class.getName()).redirectErrorStream(true);
        builder.environment().remove("CASEY_LOG_FORMAT");
        if (format != null) {
            builder.environment().put("CASEY_LOG_FORMAT", format);
        }
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the probe did not end");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isZero();
        return text.lines().filter(line -> !line.isBlank()).toList();
    }
}
