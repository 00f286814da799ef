package dev.casey.query.supportcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casey.api.common.Actor;
import dev.casey.api.common.Source;
import dev.casey.api.supportcase.CaseClosedEvent;
import dev.casey.api.supportcase.CaseOpenedEvent;
import dev.casey.api.supportcase.CaseReopenedEvent;
import dev.casey.api.supportcase.CaseStatus;
import dev.casey.api.supportcase.CaseTagsChangedEvent;
import dev.casey.api.supportcase.CaseView;
import dev.casey.api.supportcase.MessagePostedEvent;
import dev.casey.api.supportcase.Participant;
import dev.casey.api.supportcase.ParticipantAddedEvent;
import dev.casey.api.supportcase.TeamInvitedEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CaseViewFoldTests {

    static final UUID CASE = UUID.randomUUID();
    static final Actor CLIENT = Actor.apiClient("t");
    static final Participant CUSTOMER = new Participant("c@other.tld", "C", false, null);
    static final Participant BEN = new Participant("ben@domain.tld", "Ben", true, UUID.randomUUID());
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00.123456789Z");

    @Test
    void aCaseIsFoldedFromItsEventsWithMillisecondTimestamps() {
        CaseView v = CaseViewFold.apply(null, new CaseOpenedEvent(CASE, "K7QM-4XPD", "Subject", CUSTOMER, null,
                List.of(), Map.of(), CaseStatus.OPEN, CLIENT, Source.HTTP), T0, 0);
        v = CaseViewFold.apply(v, message(UUID.randomUUID(), CUSTOMER, "first"), T0, 1);
        v = CaseViewFold.apply(v, new TeamInvitedEvent(CASE, List.of(BEN), Actor.CASEY, Source.SYSTEM),
                T0.plusSeconds(1), 2);
        v = CaseViewFold.apply(v, new ParticipantAddedEvent(CASE, BEN, CLIENT, Source.HTTP), T0.plusSeconds(2), 3);
        v = CaseViewFold.apply(v, message(UUID.randomUUID(), BEN, "reply"), T0.plusSeconds(2), 4);
        v = CaseViewFold.apply(v, new CaseTagsChangedEvent(CASE, List.of("x"), CLIENT, Source.HTTP), T0.plusSeconds(3), 5);
        v = CaseViewFold.apply(v, new CaseClosedEvent(CASE, null, CLIENT, Source.HTTP), T0.plusSeconds(4), 6);

        assertThat(v.status()).isEqualTo(CaseStatus.CLOSED);
        assertThat(v.closedAt()).isEqualTo(Instant.parse("2026-11-23T10:00:04.123Z"));
        assertThat(v.openedAt()).isEqualTo(Instant.parse("2026-11-23T10:00:00.123Z"));
        assertThat(v.participants()).containsExactly(CUSTOMER, BEN);
        assertThat(v.invited()).containsExactly(BEN);
        assertThat(v.messages()).extracting(m -> m.body()).containsExactly("first", "reply");
        assertThat(v.tags()).containsExactly("x");
        assertThat(v.version()).isEqualTo(6);

        CaseView reopened = CaseViewFold.apply(v, new CaseReopenedEvent(CASE, null, CLIENT, Source.HTTP),
                T0.plusSeconds(5), 7);
        assertThat(reopened.status()).isEqualTo(CaseStatus.OPEN);
        assertThat(reopened.closedAt()).isNull();
    }

    @Test
    void anEventBeforeTheOpeningIsAnError() {
        assertThatThrownBy(() -> CaseViewFold.apply(null, message(UUID.randomUUID(), CUSTOMER, "x"), T0, 0))
                .isInstanceOf(IllegalStateException.class);
    }

    private static MessagePostedEvent message(UUID id, Participant author, String body) {
        return new MessagePostedEvent(CASE, id, author, body, false, null, List.of(), CLIENT, Source.HTTP);
    }
}
