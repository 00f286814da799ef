package dev.casey.server.axon;

import org.axonframework.springboot.autoconfig.AxonAutoConfiguration;
import org.axonframework.springboot.autoconfig.EventProcessingAutoConfiguration;
import org.axonframework.springboot.autoconfig.JdbcAutoConfiguration;
import org.axonframework.springboot.autoconfig.TransactionAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * Axon 4.13's JDBC and transaction auto-configurations order themselves after Spring Boot 3's class
 * names, which moved in Boot 4: left alone they run before the DataSource exists, Axon finds no
 * event store, or silently runs without transactions. They are excluded in application.yml and
 * imported here, after the DataSource and its transaction manager and before Axon's own set-up.
 */
@AutoConfiguration(
        after = {DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class},
        before = {AxonAutoConfiguration.class, EventProcessingAutoConfiguration.class})
@Import({TransactionAutoConfiguration.class, JdbcAutoConfiguration.class})
public class AxonJdbcAutoConfiguration {
}
