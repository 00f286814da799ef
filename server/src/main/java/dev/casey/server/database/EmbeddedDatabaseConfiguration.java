package dev.casey.server.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The embedded default: with no database configured, Casey runs a real PostgreSQL of its own with
 * its data under {@code casey.data-dir}, so that one command runs the service and data survives
 * restarts.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoDatabaseConfigured.class)
public class EmbeddedDatabaseConfiguration {

    /** Taken before anything in the directory is touched, released after PostgreSQL has stopped. */
    @Bean(destroyMethod = "close")
    DataDirectoryLock dataDirectoryLock(@Value("${casey.data-dir}") Path dataDir) throws IOException {
        return DataDirectoryLock.take(dataDir, postgresDir(dataDir));
    }

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(DataDirectoryLock ours, @Value("${casey.data-dir}") Path dataDir,
                                      @Value("${casey.embedded-database.synchronous-commit:on}") String synchronousCommit)
            throws IOException {
        return EmbeddedPostgresServer.start(postgresDir(dataDir), synchronousCommit);
    }

    private static Path postgresDir(Path dataDir) {
        return dataDir.resolve("postgres");
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgres postgres, Environment environment,
                          @Value("${spring.datasource.hikari.maximum-pool-size:20}") int poolSize,
                          @Value("${spring.datasource.hikari.connection-timeout:5000}") long connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        config.setUsername("postgres");
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(connectionTimeout);
        config.setPoolName("casey-embedded");
        // the driver's properties as for an external database (application.yml's, and any an operator adds)
        Binder.get(environment).bind("spring.datasource.hikari.data-source-properties",
                Bindable.mapOf(String.class, String.class)).orElse(Map.of()).forEach(config::addDataSourceProperty);
        return new HikariDataSource(config);
    }
}
