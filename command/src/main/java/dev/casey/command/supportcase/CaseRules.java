package dev.casey.command.supportcase;

import dev.casey.api.settings.FetchSettingsQuery;
import dev.casey.api.settings.Settings;
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
        this(() -> queryGateway.query(new FetchSettingsQuery(), Settings.class).join());
    }

    public CaseRules(Supplier<Settings> settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings.get();
    }
}
