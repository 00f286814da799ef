package dev.casey.mailgateway;

import dev.casey.api.common.EmailAddresses;
import dev.casey.api.settings.Setting;
import dev.casey.api.settings.Settings;
import dev.casey.api.settings.SettingsInForce;
import java.util.function.Supplier;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/** The configuration in force, as the mail gateway reads it (it can change at runtime). */
@Component
public class MailSettings {

    private final Supplier<Settings> settings;

    @Autowired
    MailSettings(QueryGateway queryGateway) {
        this(new SettingsInForce(queryGateway));
    }

    public MailSettings(Supplier<Settings> settings) {
        this.settings = settings;
    }

    public Settings current() {
        return settings.get();
    }

    /** The domain of our Message-IDs: {@code mainDomain}, else the domain of the support address. */
    public static String domain(Settings settings) {
        return settings.text(Setting.MAIN_DOMAIN).orElseGet(() -> EmailAddresses.domain(settings.mailAddress()));
    }
}
