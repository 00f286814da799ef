package dev.casey.server.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

class LogFormatTests {

    @Test
    void jsonMeansEcs_andTheOtherStructuredFormatsPassThrough() {
        assertThat(LogFormat.consoleFormat("json")).isEqualTo("ecs");
        assertThat(LogFormat.consoleFormat(" JSON ")).isEqualTo("ecs");
        assertThat(LogFormat.consoleFormat("ecs")).isEqualTo("ecs");
        assertThat(LogFormat.consoleFormat("logstash")).isEqualTo("logstash");
        assertThat(LogFormat.consoleFormat("gelf")).isEqualTo("gelf");
    }

    @Test
    void plainOrNothingKeepsTheReadableLog() {
        assertThat(LogFormat.consoleFormat("")).isNull();
        assertThat(LogFormat.consoleFormat("plain")).isNull();
    }

    @Test
    void anUnknownFormatStopsTheStartWithTheChoices() {
        assertThatThrownBy(() -> LogFormat.consoleFormat("xml")).hasMessageContaining("plain, json, logstash or gelf");
    }

    @Test
    void anExplicitSpringBootFormatWins() {
        MockEnvironment environment = new MockEnvironment().withProperty(LogFormat.PROPERTY, "json")
                .withProperty(LogFormat.CONSOLE_FORMAT, "logstash");
        new LogFormat().postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty(LogFormat.CONSOLE_FORMAT)).isEqualTo("logstash");

        MockEnvironment onlyOurs = new MockEnvironment().withProperty(LogFormat.PROPERTY, "json");
        new LogFormat().postProcessEnvironment(onlyOurs, new SpringApplication());
        assertThat(onlyOurs.getProperty(LogFormat.CONSOLE_FORMAT)).isEqualTo("ecs");
    }
}
