package dev.casey.api.settings;

import java.util.function.Supplier;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.queryhandling.QueryGateway;

/**
 * The configuration in force, asked for once per unit of work: one command reads it many times (its handler, the
 * projections and the mail it plans), and a change of settings only takes effect after its own unit of work commits.
 */
public final class SettingsInForce implements Supplier<Settings> {

    private static final String RESOURCE = SettingsInForce.class.getName();

    private final QueryGateway queries;

    public SettingsInForce(QueryGateway queries) {
        this.queries = queries;
    }

    @Override
    public Settings get() {
        if (!CurrentUnitOfWork.isStarted()) {
            return fetch();
        }
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        Settings settings = root.getResource(RESOURCE);
        if (settings == null) {
            // not computeIfAbsent: the query runs in a unit of work of its own, which may touch these resources
            settings = fetch();
            root.resources().put(RESOURCE, settings);
        }
        return settings;
    }

    private Settings fetch() {
        return queries.query(new FetchSettingsQuery(), Settings.class).join();
    }
}
