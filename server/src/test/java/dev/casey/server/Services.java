package dev.casey.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Starting and stopping the service within a test, for tests about restarts. */
final class Services {

    static {
        CaseyApplication.quietAxon();
    }

    private Services() {
    }

    /** The service on its embedded database in {@code dataDir}, on a free port, with more arguments. */
    static ConfigurableApplicationContext start(Path dataDir, String... arguments) {
        List<String> all = new ArrayList<>(List.of("--casey.data-dir=" + dataDir, "--server.port=0",
                "--casey.outbox.first-retry=200ms"));
        all.addAll(List.of(arguments));
        return new SpringApplicationBuilder(CaseyApplication.class).profiles("test").run(all.toArray(String[]::new));
    }

    static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    static Api api(ConfigurableApplicationContext context) {
        return new Api(port(context));
    }
}
