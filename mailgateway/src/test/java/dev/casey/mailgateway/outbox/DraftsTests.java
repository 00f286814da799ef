package dev.casey.mailgateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casey.mailgateway.outbound.MailIdentity;
import dev.casey.mailgateway.outbound.MailKind;
import dev.casey.mailgateway.outbound.OutgoingMail;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DraftsTests {

    private final Drafts drafts = new Drafts("");

    private static OutgoingMail.Builder closed() {
        return OutgoingMail.builder(MailKind.CASE_CLOSED).messageId("casey.aaaaaaaaaaaaaaaaaaaaaaaaaa@casey.test")
                .date(Instant.parse("2026-12-02T12:00:00Z")).caseReference("K7QM-4XPD").caseSubject("I found a bug")
                .reason("no activity for 30 days");
    }

    @Test
    void givenADraftForATeamMember_whenStoredAndComposed_thenItKeepsThatTheRecipientIsInTheTeam() {
        Drafts.Draft draft = new Drafts.Draft(MailIdentity.of("support@casey.test", "Support"),
                closed().teamRecipient("Ben", "ben@team.test").build());

        assertThat(drafts.compose(Drafts.json(draft)).text()).contains("Nothing more is needed from you.");
    }

    @Test
    void givenADraftQueuedBeforeRecipientsHadATeamFlag_whenComposed_thenItIsComposedForACustomer() {
        String json = Drafts.json(new Drafts.Draft(MailIdentity.of("support@casey.test", "Support"),
                closed().recipient("Some User", "some.user@other.tld").build()));
        String old = json.replace(",\"team\":false", "");

        assertThat(old).doesNotContain("\"team\"");
        assertThat(drafts.compose(old).text()).contains("Thank you for contacting Support.");
    }
}
