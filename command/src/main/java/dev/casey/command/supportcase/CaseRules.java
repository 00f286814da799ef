package dev.casey.command.supportcase;

import dev.casey.api.settings.Settings;
import dev.casey.api.settings.SettingsInForce;
import java.util.function.Supplier;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/** The configuration as the case rules see it at the moment a command is decided. */
@Component
public class CaseRules {

    private final Supplier<Settings> settings;

    @Autowired
    CaseRules(QueryGateway queryGateway) {
        this(new SettingsInForce(queryGateway));
    }

    public CaseRules(Supplier<Settings> settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings.get();
    }
}
