package dev.casey.server.devmail;

import dev.casey.api.settings.Setting;
import dev.casey.api.settings.Settings;
import dev.casey.server.settings.ConfigFile;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Starts the embedded mail server when {@code casey.dev-mail} is on, or is {@code auto} (the
 * default) and Casey runs on its embedded database; never when the configuration names a real SMTP
 * or IMAP server.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(DevMailConfiguration.Wanted.class)
class DevMailConfiguration {

    @Bean
    DevMailServer devMailServer(ConfigFile file, @Value("${casey.dev-mail.smtp-port:2525}") int smtpPort,
                                @Value("${casey.dev-mail.imap-port:2143}") int imapPort) {
        return new DevMailServer(file, smtpPort, imapPort);
    }

    /** Whether to run the embedded mail server. */
    static class Wanted implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String mode = context.getEnvironment().getProperty("casey.dev-mail", "auto");
            boolean embeddedDatabase = !StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"));
            if (!mode.equals("true") && !(mode.equals("auto") && embeddedDatabase)) {
                return false;
            }
            Settings configured = new ConfigFile(context.getEnvironment().getProperty("casey.config-file", "")).settings();
            return configured.text(Setting.SMTP_SERVER).isEmpty() && configured.text(Setting.IMAP_SERVER).isEmpty();
        }
    }
}
