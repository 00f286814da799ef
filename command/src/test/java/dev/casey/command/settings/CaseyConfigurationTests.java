package dev.casey.command.settings;

import dev.casey.api.common.Actor;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.common.Source;
import dev.casey.api.settings.ChangeSettingsCommand;
import dev.casey.api.settings.RecordSettingsCommittedCommand;
import dev.casey.api.settings.Settings;
import dev.casey.api.settings.SettingsChangedEvent;
import dev.casey.api.settings.SettingsCommittedEvent;
import dev.casey.command.Refused;
import dev.casey.command.person.PersonDirectory;
import dev.casey.command.supportcase.CaseRules;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CaseyConfigurationTests {

    private static final Actor ADMIN = Actor.apiClient("admin");
    private static final PersonDirectory.Entry BEN = new PersonDirectory.Entry(UUID.randomUUID(), "ben@domain.tld",
            "Ben", true, false);

    private AggregateTestFixture<CaseyConfiguration> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(CaseyConfiguration.class);
        fixture.registerInjectableResource(new CaseRules(Settings::defaults));
        fixture.registerInjectableResource(new PersonDirectory(null) {
            @Override
            public Optional<Entry> findHolderOfSupportAddress(String supportAddress) {
                return supportAddress.equalsIgnoreCase(BEN.email()) ? Optional.of(BEN) : Optional.empty();
            }
        });
    }

    @Test
    void givenBenRegistered_whenTheSupportAddressBecomesHis_thenRefusedNamingIt() {
        Refused.with(fixture.givenNoPriorActivity()
                .when(new ChangeSettingsCommand(Settings.ID, Map.of("mailAddress", "Ben@Domain.tld"), ADMIN,
                        Source.HTTP)), ErrorCode.EMAIL_ALREADY_REGISTERED, "mailAddress");
        fixture.givenNoPriorActivity()
                .when(new ChangeSettingsCommand(Settings.ID, Map.of("mailAddress", "help@domain.tld"), ADMIN,
                        Source.HTTP))
                .expectEvents(new SettingsChangedEvent(Settings.ID, Map.of("mailAddress", "help@domain.tld"), ADMIN,
                        Source.HTTP));
    }

    @Test
    void givenTheDefaultFolders_whenTheProcessedFolderIsTheInbox_thenRefusedNamingIt() {
        Refused.with(fixture.givenNoPriorActivity()
                .when(new ChangeSettingsCommand(Settings.ID, Map.of("imapProcessedFolder", "inbox"), ADMIN,
                        Source.HTTP)), ErrorCode.INVALID_VALUE, "imapProcessedFolder");
        fixture.givenNoPriorActivity()
                .when(new ChangeSettingsCommand(Settings.ID, Map.of("imapFolder", "Support", "imapProcessedFolder",
                        "INBOX"), ADMIN, Source.HTTP))
                .expectEvents(new SettingsChangedEvent(Settings.ID, Map.of("imapFolder", "Support",
                        "imapProcessedFolder", "INBOX"), ADMIN, Source.HTTP));
    }

    @Test
    void givenNoChanges_whenChangeSettings_thenChangedWithNormalizedValues() {
        fixture.givenNoPriorActivity()
                .when(new ChangeSettingsCommand(Settings.ID, Map.of("smtpEncryption", " STARTTLS "), ADMIN, Source.HTTP))
                .expectEvents(new SettingsChangedEvent(Settings.ID, Map.of("smtpEncryption", "starttls"), ADMIN,
                        Source.HTTP));
    }

    @Test
    void givenEarlierChanges_whenResetAKey_thenChangeRecordsTheReset() {
        Map<String, Object> reset = new HashMap<>();
        reset.put("mailSyncTimer", null);
        fixture.given(new SettingsChangedEvent(Settings.ID, Map.of("mailSyncTimer", 120), ADMIN, Source.HTTP))
                .when(new ChangeSettingsCommand(Settings.ID, reset, ADMIN, Source.HTTP))
                .expectEvents(new SettingsChangedEvent(Settings.ID, reset, ADMIN, Source.HTTP));
    }

    @Test
    void givenAnything_whenChangeAnUnknownKey_thenRefused() {
        Refused.with(fixture.givenNoPriorActivity()
                .when(new ChangeSettingsCommand(Settings.ID, Map.of("mailSyncTimr", 120), ADMIN, Source.HTTP)),
                ErrorCode.UNKNOWN_SETTING, "mailSyncTimr");
    }

    @Test
    void givenAnything_whenChangeToAnInvalidValue_thenRefusedNamingTheKey() {
        Refused.with(fixture.givenNoPriorActivity()
                .when(new ChangeSettingsCommand(Settings.ID, Map.of("caseCloseIdle", "soon"), ADMIN, Source.HTTP)),
                ErrorCode.INVALID_VALUE, "caseCloseIdle");
        Refused.with(fixture.givenNoPriorActivity()
                .when(new ChangeSettingsCommand(Settings.ID, Map.of("caseConfirmation", "yes"), ADMIN, Source.HTTP)),
                ErrorCode.INVALID_VALUE, "caseConfirmation");
        Refused.with(fixture.givenNoPriorActivity()
                .when(new ChangeSettingsCommand(Settings.ID, Map.of("apiTokens",
                        List.of(Map.of("name", "x", "token", "short", "scopes", List.of("cases")))), ADMIN, Source.HTTP)),
                ErrorCode.INVALID_VALUE, "apiTokens");
    }

    @Test
    void givenChanges_whenCommitted_thenCommitRecorded() {
        fixture.given(new SettingsChangedEvent(Settings.ID, Map.of("mailSyncTimer", 120), ADMIN, Source.HTTP))
                .when(new RecordSettingsCommittedCommand(Settings.ID, "/etc/casey.json", ADMIN, Source.HTTP))
                .expectEvents(new SettingsCommittedEvent(Settings.ID, "/etc/casey.json", ADMIN, Source.HTTP));
    }
}
