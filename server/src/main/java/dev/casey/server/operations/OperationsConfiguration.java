package dev.casey.server.operations;

import dev.casey.mailgateway.imap.MailboxPoller;
import dev.casey.mailgateway.inbound.InboundMailProcessor;
import dev.casey.mailgateway.outbox.Outbox;
import dev.casey.mailgateway.outbox.OutboxDelivery;
import dev.casey.server.settings.SettingsService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.OptionalLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jdbc.health.DataSourceHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Health indicators and meters for the people who run Casey. The bean names give the component
 * names under {@code /actuator/health}: smtp, imap, outbox, timers, eventProcessors.
 */
@Configuration(proxyBeanMethods = false)
class OperationsConfiguration {

    /** Gauges and health checks read the database; a scrape of many gauges should read it once. */
    private static final Duration READ_AT_MOST_EVERY = Duration.ofSeconds(1);
    /** How long a health check waits for the database: the whole report must come while a monitor still waits. */
    static final Duration HEALTH_DEADLINE = Duration.ofSeconds(2);

    @Bean
    RecentValue<Outbox.Backlog> outboxBacklog(Outbox outbox) {
        return new RecentValue<>(outbox::backlog, READ_AT_MOST_EVERY);
    }

    /** Spring's own, under a deadline (see {@link DatabaseHealth}). The bean name replaces Spring's. */
    @Bean
    HealthIndicator dbHealthIndicator(DataSource dataSource) {
        return new DatabaseHealth(new DataSourceHealthIndicator(dataSource)::health,
                () -> everyConnectionInUse(dataSource), HEALTH_DEADLINE);
    }

    private static boolean everyConnectionInUse(DataSource dataSource) {
        try {
            if (!dataSource.isWrapperFor(HikariDataSource.class)) {
                return false;
            }
            HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
            HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
            return pool != null && pool.getActiveConnections() >= hikari.getMaximumPoolSize();
        } catch (SQLException e) {
            return false;
        }
    }

    // The mail indicators read the configuration as this instance knows it: asked for through the query bus, it is
    // read in a transaction, and with the database away they said "cannot be read" after 5 s each, as if mail were off.

    @Bean
    SmtpProbe smtpHealthIndicator(SettingsService settings,
                                  @Value("${casey.health.smtp-probe-reuse:10s}") Duration reuse) {
        return new SmtpProbe(settings::current, reuse, Clock.systemUTC());
    }

    @Bean
    MailboxHealth imapHealthIndicator(SettingsService settings, MailboxPoller poller) {
        return new MailboxHealth(settings::current, poller::stats, Clock.systemUTC());
    }

    @Bean
    OutboxHealth outboxHealthIndicator(SettingsService settings, RecentValue<Outbox.Backlog> outboxBacklog,
                                       @Value("${casey.health.outbox-max-age:15m}") Duration maxAge) {
        return new OutboxHealth(settings::current, new Deadline<>("outbox", outboxBacklog, HEALTH_DEADLINE), maxAge,
                Clock.systemUTC());
    }

    @Bean
    TimerHealth timersHealthIndicator(JdbcTemplate jdbc,
                                      @Value("${casey.health.timer-max-delay:1m}") Duration maxDelay) {
        Supplier<TimerHealth.Overdue> overdue = () -> jdbc.queryForObject(
                "SELECT count(*), min(execution_time) FROM scheduled_tasks WHERE NOT picked AND execution_time < ?",
                (rs, row) -> new TimerHealth.Overdue(rs.getLong(1),
                        rs.getTimestamp(2) == null ? null : rs.getTimestamp(2).toInstant()),
                Timestamp.from(Instant.now().minus(maxDelay)));
        // one indexed count: half a second is plenty, and with the database away the report must still come in time
        return new TimerHealth(new Deadline<>("timers", new RecentValue<>(overdue, READ_AT_MOST_EVERY),
                Duration.ofMillis(500)), maxDelay);
    }

    @Bean
    EventProcessorLag eventProcessorsHealthIndicator(ObjectProvider<EventProcessingConfiguration> processing,
                                                     EventStore events) {
        RecentValue<TrackingToken> head = new RecentValue<>(events::createHeadToken, READ_AT_MOST_EVERY);
        return new EventProcessorLag(processing::getObject, head);
    }

    @Bean
    MailMetrics mailMetrics(OutboxDelivery delivery, RecentValue<Outbox.Backlog> outboxBacklog,
                            InboundMailProcessor inbound, MailboxPoller poller) {
        return new MailMetrics(delivery, outboxBacklog, inbound, poller, Clock.systemUTC());
    }

    /**
     * Axon creates its processors while the context starts, after meter binders have run: their
     * gauges are added once the service is ready. Subscribing processors get none (they cannot lag).
     */
    @EventListener(ApplicationReadyEvent.class)
    void eventProcessorGauges(ApplicationReadyEvent ready) {
        MeterRegistry registry = ready.getApplicationContext().getBean(MeterRegistry.class);
        EventProcessorLag lag = ready.getApplicationContext().getBean(EventProcessorLag.class);
        lag.processors().forEach((name, processor) -> {
            if (processor instanceof StreamingEventProcessor) {
                Gauge.builder("casey.event.processor.lag", processor, p -> lagOrNaN(lag, p))
                        .tag("processor", name)
                        .description("Events stored but not yet handled by this streaming processor")
                        .register(registry);
            }
        });
    }

    private static double lagOrNaN(EventProcessorLag lag, EventProcessor processor) {
        OptionalLong events = lag.lag(processor);
        return events.isPresent() ? events.getAsLong() : Double.NaN;
    }
}
