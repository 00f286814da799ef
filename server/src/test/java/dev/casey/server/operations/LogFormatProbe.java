package dev.casey.server.operations;

import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring application with caseyd's application.yml and environment post-processors but nothing
 * else, so that the log format can be checked in a JVM of its own in a second instead of starting
 * the whole service (logging is set up once per JVM: the test JVM's own log must stay as it is).
 */
public final class LogFormatProbe {

    static final String MESSAGE = "casey log format probe";

    private LogFormatProbe() {
    }

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(LogFormatProbe.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        try (ConfigurableApplicationContext context = application.run(args)) {
            LoggerFactory.getLogger(LogFormatProbe.class).info(MESSAGE);
        }
    }
}
