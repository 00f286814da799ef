package dev.casey.server.operations;

import java.util.Locale;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code CASEY_LOG_FORMAT} (or {@code casey.log-format}): {@code json} writes the console log as
 * ECS JSON for log shippers, one event per line; {@code logstash} and {@code gelf} pick Spring
 * Boot's other structured formats; {@code plain} (the default) stays readable for people. Runs
 * before the logging system starts, which reads {@code logging.structured.format.console}.
 */
public class LogFormat implements EnvironmentPostProcessor {

    static final String PROPERTY = "casey.log-format";
    static final String CONSOLE_FORMAT = "logging.structured.format.console";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String format = consoleFormat(environment.getProperty(PROPERTY, ""));
        if (format != null) {
            // added last: an explicit logging.structured.format.console still wins
            environment.getPropertySources().addLast(new MapPropertySource("caseyLogFormat",
                    Map.of(CONSOLE_FORMAT, format)));
        }
    }

    /** Spring Boot's format name for a Casey log format; null for the readable default. */
    static String consoleFormat(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "", "plain", "text" -> null;
            case "json", "ecs" -> "ecs";
            case "logstash" -> "logstash";
            case "gelf" -> "gelf";
            default -> throw new IllegalArgumentException("CASEY_LOG_FORMAT (casey.log-format) must be plain, json, "
                    + "logstash or gelf, not '" + value + "'");
        };
    }
}
