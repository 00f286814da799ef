package dev.casey.server.axon;

import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.modelling.saga.repository.jdbc.PostgresSagaSqlSchema;
import org.axonframework.modelling.saga.repository.jdbc.SagaSqlSchema;
import org.axonframework.serialization.jackson3.Jackson3SerializerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.DeserializationFeature;

/** How Casey uses Axon: loud failures, retried races, PostgreSQL sagas, tolerant reading of stored events. */
@Configuration(proxyBeanMethods = false)
public class AxonConfiguration {

    /**
     * An event handler that fails must fail its unit of work: the command of a subscribing handler
     * is refused and rolled back, a tracking processor retries. Axon's default only logs.
     */
    @Bean
    ConfigurerModule failLoudly() {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerDefaultListenerInvocationErrorHandler(c -> PropagatingErrorHandler.instance()));
    }

    /** Commands that lose a race for the same case (several instances, or threads) are run again. */
    @Bean
    CommandGateway commandGateway(CommandBus commandBus, ConflictRetry conflictRetry) {
        return DefaultCommandGateway.builder().commandBus(commandBus).retryScheduler(conflictRetry).build();
    }

    @Bean(destroyMethod = "close")
    ConflictRetry conflictRetry() {
        return new ConflictRetry();
    }

    /** Lost races on the event store are told apart from other failures by PostgreSQL's SQLState. */
    @Bean
    PersistenceExceptionResolver persistenceExceptionResolver() {
        return new UniqueViolations();
    }

    /** The generic saga schema uses {@code blob}, which PostgreSQL does not have. */
    @Bean
    SagaSqlSchema sagaSqlSchema() {
        return new PostgresSagaSqlSchema();
    }

    /** Events written by an older version with a field since removed must still load. */
    @Bean
    Jackson3SerializerCustomizer tolerantEvents() {
        return builder -> builder.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
