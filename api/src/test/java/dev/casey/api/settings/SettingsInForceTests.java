package dev.casey.api.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.concurrent.CompletableFuture;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.queryhandling.QueryGateway;
import org.junit.jupiter.api.Test;

/** The settings are asked for once per unit of work, and every time outside one. */
class SettingsInForceTests {

    private final QueryGateway queries = mock(QueryGateway.class);
    private final SettingsInForce settings = new SettingsInForce(queries);

    SettingsInForceTests() {
        when(queries.query(any(FetchSettingsQuery.class), eq(Settings.class)))
                .thenAnswer(call -> CompletableFuture.completedFuture(Settings.defaults()));
    }

    @Test
    void insideAUnitOfWork_theSettingsAreAskedForOnce_andAgainInTheNextOne() {
        for (int unit = 0; unit < 2; unit++) {
            DefaultUnitOfWork.startAndGet(GenericMessage.asMessage("command")).execute(() -> {
                assertThat(settings.get()).isSameAs(settings.get());
                settings.get();
            });
        }
        verify(queries, times(2)).query(any(FetchSettingsQuery.class), eq(Settings.class));
    }

    @Test
    void outsideAUnitOfWork_everyReadAsks() {
        settings.get();
        settings.get();
        verify(queries, times(2)).query(any(FetchSettingsQuery.class), eq(Settings.class));
    }
}
