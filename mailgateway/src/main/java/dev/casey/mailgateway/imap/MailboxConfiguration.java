package dev.casey.mailgateway.imap;

import dev.casey.api.settings.Durations;
import dev.casey.api.settings.Setting;
import dev.casey.api.settings.Settings;
import dev.casey.api.settings.SettingsChangedEvent;
import dev.casey.mailgateway.MailSettings;
import dev.casey.mailgateway.ProcessingGroups;
import dev.casey.mailgateway.inbound.InboundMailProcessor;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

/** Reads the support mailbox with the IMAP settings in force and hands every mail to the inbound processor. */
@Configuration(proxyBeanMethods = false)
public class MailboxConfiguration {

    @Bean
    MailboxPoller mailboxPoller(MailSettings settings, InboundMailProcessor processor, DataSource dataSource) {
        return new MailboxPoller(() -> mailbox(settings.current()), new InboundSink() {
            @Override
            public Outcome accept(byte[] raw) {
                return outcome(processor.receive(raw, InboundMailProcessor.Via.IMAP));
            }

            @Override
            public boolean temporary(Throwable failure) {
                return InboundMailProcessor.isTemporary(failure);
            }

            @Override
            public long largestMessage() {
                return settings.current().integer(Setting.MAIL_MAX_BYTES);
            }

            @Override
            public void tooLarge(byte[] header, long size) {
                processor.tooLarge(header, size, InboundMailProcessor.Via.IMAP);
            }

            @Override
            public void quarantined(byte[] header, long size, String why) {
                processor.quarantinedUnread(header, size, why, InboundMailProcessor.Via.IMAP);
            }
        }, dataSource);
    }

    /** The mailbox to read: none when no IMAP server is configured; not enabled when mail is switched off. */
    public static Optional<MailboxSettings> mailbox(Settings settings) {
        Optional<String> host = settings.text(Setting.IMAP_SERVER);
        if (host.isEmpty()) {
            return Optional.empty();
        }
        boolean switchedOff = Boolean.FALSE.equals(settings.values().get(Setting.MAIL_ENABLE.key()));
        return Optional.of(new MailboxSettings(host.get(), settings.integer(Setting.IMAP_PORT),
                settings.text(Setting.IMAP_USERNAME).orElse(null), settings.text(Setting.IMAP_PASSWORD).orElse(null),
                MailboxSettings.Encryption.of(Objects.toString(settings.get(Setting.IMAP_ENCRYPTION))),
                settings.text(Setting.IMAP_FOLDER).orElse(null), settings.text(Setting.IMAP_PROCESSED_FOLDER).orElse(null),
                settings.text(Setting.IMAP_QUARANTINE_FOLDER).orElse(null),
                Durations.of(settings.get(Setting.MAIL_SYNC_TIMER)), !switchedOff));
    }

    static InboundSink.Outcome outcome(InboundMailProcessor.Result result) {
        return switch (result.outcome()) {
            case DUPLICATE -> InboundSink.Outcome.DUPLICATE;
            case QUARANTINED -> InboundSink.Outcome.QUARANTINE;
            default -> InboundSink.Outcome.PROCESSED;
        };
    }

    /** A changed configuration may name another mailbox: look at once, not at the next cycle. */
    @Component
    @ProcessingGroup(ProcessingGroups.MAIL)
    static class MailboxChanges {
        private final MailboxPoller poller;

        MailboxChanges(MailboxPoller poller) {
            this.poller = poller;
        }

        @EventHandler
        void on(SettingsChangedEvent event) {
            poller.wake();
        }
    }
}
