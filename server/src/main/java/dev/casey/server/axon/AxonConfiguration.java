package dev.casey.server.axon;

import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.modelling.saga.repository.jdbc.PostgresSagaSqlSchema;
import org.axonframework.modelling.saga.repository.jdbc.SagaSqlSchema;
import org.axonframework.serialization.jackson3.Jackson3SerializerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.DeserializationFeature;

/** How Casey uses Axon: loud failures, PostgreSQL sagas, tolerant reading of stored events. */
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
