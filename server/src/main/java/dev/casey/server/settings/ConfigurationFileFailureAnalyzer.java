package dev.casey.server.settings;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Ends a start that the configuration file stopped with Spring Boot's "APPLICATION FAILED TO START" report naming the
 * file and the problem. Without it the first error logged is the bean whose creation read the file first, and the
 * reason a "Caused by" far below (with {@code CASEY_LOG_FORMAT=json}, inside a {@code stack_trace} field only).
 * Registered in {@code META-INF/spring.factories}; first, because Spring Boot's own analyzers describe the wrappers
 * around it (a bean that could not be created, a web server that could not start).
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConfigurationFileFailureAnalyzer extends AbstractFailureAnalyzer<ConfigurationFileException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConfigurationFileException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
