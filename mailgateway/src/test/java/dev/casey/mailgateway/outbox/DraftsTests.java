package dev.casey.mailgateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casey.mailgateway.outbound.ComposedMail;
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

    @Test
    void givenADraftCarryingAnAttachment_whenStoredAndComposed_thenItStillCarriesIt() {
        java.util.UUID content = java.util.UUID.randomUUID();
        String json = Drafts.json(new Drafts.Draft(MailIdentity.of("support@casey.test", "Support"),
                OutgoingMail.builder(MailKind.MESSAGE).messageId("casey.aaaaaaaaaaaaaaaaaaaaaaaaaa@casey.test")
                        .date(Instant.parse("2026-12-02T12:00:00Z")).caseReference("K7QM-4XPD").caseSubject("Files")
                        .teamRecipient("Ben", "ben@team.test").authorName("Some User").body("See attached")
                        .attachments(java.util.List.of(new OutgoingMail.Attachment("a.pdf", "application/pdf", 3,
                                false, content))).build()));

        assertThat(drafts.compose(json).rawString()).contains("X-Casey-Attachment-Content: " + content)
                .contains("application/pdf");
    }

    @Test
    void givenADraftQueuedBeforeMailCarriedAttachments_whenComposed_thenItListsThem() {
        String json = Drafts.json(new Drafts.Draft(MailIdentity.of("support@casey.test", "Support"),
                OutgoingMail.builder(MailKind.MESSAGE).messageId("casey.aaaaaaaaaaaaaaaaaaaaaaaaaa@casey.test")
                        .date(Instant.parse("2026-12-02T12:00:00Z")).caseReference("K7QM-4XPD").caseSubject("Files")
                        .teamRecipient("Ben", "ben@team.test").authorName("Some User").body("See attached")
                        .attachments(java.util.List.of(new OutgoingMail.Attachment("a.pdf", 3, false))).build()));
        String old = json.replace(",\"contentType\":null", "").replace(",\"content\":null", "");

        assertThat(old).contains("{\"filename\":\"a.pdf\",\"size\":3,\"omitted\":false}");
        ComposedMail then = drafts.compose(old);
        assertThat(then.text()).contains("- a.pdf (3 bytes, not in this e-mail: kept with the case)");
        assertThat(then.rawString()).doesNotContain("multipart/mixed");
    }

    @Test
    void givenAnAcknowledgementQueuedBeforeItKnewHowItsCaseWasOpened_whenComposed_thenItIsComposedAsThen() {
        OutgoingMail received = OutgoingMail.builder(MailKind.CASE_RECEIVED)
                .messageId("casey.aaaaaaaaaaaaaaaaaaaaaaaaaa@casey.test").date(Instant.parse("2026-12-02T12:00:00Z"))
                .caseReference("K7QM-4XPD").caseSubject("I found a bug").authorName("Some User").body("There is a bug")
                .recipient("Some User", "some.user@other.tld").build();
        String json = Drafts.json(new Drafts.Draft(MailIdentity.of("support@casey.test", "Support"), received));
        String old = json.replace(",\"caseOpenedByMail\":false", "");

        assertThat(old).doesNotContain("caseOpenedByMail");
        assertThat(autoSubmitted(drafts.compose(old))).isEqualTo("auto-replied");
        assertThat(autoSubmitted(drafts.compose(json))).isEqualTo("auto-generated");
    }

    private static String autoSubmitted(ComposedMail composed) {
        return new String(composed.raw(), java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("Auto-Submitted: ")).findFirst().orElseThrow()
                .substring("Auto-Submitted: ".length());
    }

    @Test
    void givenADraftQueuedBeforeSubjectsWereMasked_whenComposed_thenAddressesAreCutFromSubjectAndNamesAsThen() {
        // drafted before the planner masked team addresses in subjects and names: the composer then cut them all
        OutgoingMail mail = closed().caseSubject("Ask ben@team.test").recipient("Some User", "some.user@other.tld")
                .history(java.util.List.of(new OutgoingMail.EarlierMessage("Ben <ben@team.test>",
                        Instant.parse("2026-12-01T12:00:00Z"), "Hello")))
                .build();
        String json = Drafts.json(new Drafts.Draft(MailIdentity.of("support@casey.test", "Support"), mail));
        String old = json.replace(",\"team\":false", "");

        ComposedMail then = drafts.compose(old);
        assertThat(then.subject()).contains("Ask ben").doesNotContain("team.test");
        assertThat(new String(then.raw(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("ben@team.test");
        assertThat(drafts.compose(json).subject()).contains("Ask ben@team.test");
    }
}
