package dev.casey.server;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** caseyd: the Casey service. */
@SpringBootApplication(scanBasePackages = "dev.casey")
public class CaseyApplication {

    public static void main(String[] args) {
        quietAxon();
        fastMimeStreams();
        SpringApplication.run(CaseyApplication.class, translate(args));
    }

    /**
     * Jakarta Mail 2.1 looks its stream provider up with a ServiceLoader scan of the whole class
     * path on every encoded word and every multipart (jakartaee/mail-api#861): in a Spring Boot jar
     * that is most of the time spent composing a mail. Naming the provider makes it a plain class
     * lookup. Angus Mail's provider is the one the scan would find.
     */
    static void fastMimeStreams() {
        if (System.getProperty(STREAM_PROVIDER) == null) {
            System.setProperty(STREAM_PROVIDER, "org.eclipse.angus.mail.util.MailStreamProvider");
        }
    }

    private static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";

    /**
     * Axon reads these as JVM system properties only. Without them it phones home to an outside
     * host (writing ~/.axoniq) and prints an advertisement at every start.
     */
    static void quietAxon() {
        System.setProperty("axoniq.update-checker.disabled", "true");
        System.setProperty("disable-axoniq-console-message", "true");
    }

    /**
     * Accepts the seed's {@code caseyd --config /path/to/config.json} besides Spring's
     * {@code --name=value} form.
     */
    static String[] translate(String[] args) {
        List<String> translated = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                translated.add("--casey.config-file=" + args[++i]);
            } else if (args[i].startsWith("--config=")) {
                translated.add("--casey.config-file=" + args[i].substring("--config=".length()));
            } else {
                translated.add(args[i]);
            }
        }
        return translated.toArray(String[]::new);
    }
}
