package dev.casey.server.axon;

import com.github.kagkarlsson.scheduler.Scheduler;
import java.time.Duration;
import javax.sql.DataSource;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurationScopeAwareProvider;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

/**
 * Durable timers: Axon's deadline manager on db-scheduler, in PostgreSQL. A deadline scheduled while
 * a command is handled is written in that command's transaction (the scheduler's data source takes
 * part in Spring transactions), so a refused command leaves no timer behind and an accepted one
 * always has its timer. Several instances share the table; each timer fires on exactly one.
 */
@Configuration(proxyBeanMethods = false)
public class DeadlineConfiguration {

    /** Started and stopped by the deadline manager, with Axon's life cycle. */
    @Bean(destroyMethod = "")
    Scheduler timerScheduler(DataSource dataSource, ObjectProvider<DeadlineManager> deadlineManager,
                             @Value("${casey.timers.polling-interval:5s}") Duration pollingInterval,
                             @Value("${casey.timers.heartbeat-interval:5s}") Duration heartbeatInterval,
                             @Value("${casey.timers.missed-heartbeats-limit:4}") int missedHeartbeatsLimit) {
        return Scheduler.create(new TransactionAwareDataSourceProxy(dataSource),
                        DbSchedulerDeadlineManager.binaryTask(() -> (DbSchedulerDeadlineManager) deadlineManager.getObject()))
                .pollingInterval(pollingInterval)
                // a timer picked by an instance that was killed stays picked until the instance counts as dead:
                // db-scheduler's default (5 min, 6 missed) leaves it half an hour, so a due timer fired that late
                // after a restart; a timer firing twice after a long pause only checks the case again
                .heartbeatInterval(heartbeatInterval)
                .missedHeartbeatsLimit(missedHeartbeatsLimit)
                .threads(2)
                .build();
    }

    @Bean
    DeadlineManager deadlineManager(Scheduler timerScheduler, org.axonframework.config.Configuration configuration,
                                    @Qualifier("serializer") Serializer serializer, TransactionManager transactionManager) {
        return DbSchedulerDeadlineManager.builder()
                .scheduler(timerScheduler)
                .scopeAwareProvider(new ConfigurationScopeAwareProvider(configuration))
                .serializer(serializer)
                .transactionManager(transactionManager)
                .startScheduler(true)
                .stopScheduler(true)
                .build();
    }
}
