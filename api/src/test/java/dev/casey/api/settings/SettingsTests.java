package dev.casey.api.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTests {

    @Test
    void everyKeyOfTheCaseySeedExistsWithItsDefault() {
        Settings defaults = Settings.defaults();
        for (String key : List.of("caseConfirmation", "caseCloseIdle", "caseCanReopen", "caseSendInitial", "caseSendCopy",
                "caseConfirmUrl", "teamInviteReminder", "teamInviteCount", "mailEnable", "mailSubjectFormat",
                "mailSubjectPrefix", "mailSyncTimer", "mailAddress", "mainDomain", "smtpAdapter", "smtpServer", "smtpPort",
                "smtpUsername", "smtpPassword", "smtpEncryption", "imapAdapter", "imapServer", "imapPort", "imapUsername",
                "imapPassword", "imapEncryption")) {
            assertThat(Setting.byKey(key)).as(key).isPresent();
        }
        assertThat(defaults.caseConfirmation()).isFalse();
        assertThat(defaults.caseCanReopen()).isTrue();
        assertThat(defaults.bool(Setting.CASE_SEND_INITIAL)).isTrue();
        assertThat(defaults.bool(Setting.CASE_SEND_COPY)).isFalse();
        assertThat(defaults.integer(Setting.TEAM_INVITE_COUNT)).isZero();
        assertThat(defaults.mailEnable()).isFalse();
        assertThat(defaults.duration(Setting.CASE_CLOSE_IDLE)).contains(Duration.ofDays(30));
    }

    @Test
    void mailIsEnabledByDefaultOnlyWhenAnSmtpServerIsConfigured() {
        assertThat(Settings.defaults().with(Map.of("smtpServer", "mail.example.com")).mailEnable()).isTrue();
        assertThat(Settings.defaults().with(Map.of("smtpServer", "mail.example.com", "mailEnable", false)).mailEnable())
                .isFalse();
    }

    @Test
    void durationsAcceptTheSeedsNotations() {
        assertThat(Durations.parse("30d")).contains(Duration.ofDays(30));
        assertThat(Durations.parse("12h")).contains(Duration.ofHours(12));
        assertThat(Durations.parse("90m")).contains(Duration.ofMinutes(90));
        assertThat(Durations.parse("45s")).contains(Duration.ofSeconds(45));
        assertThat(Durations.parse("120")).contains(Duration.ofSeconds(120));
        assertThat(Durations.parse("soon")).isEmpty();
        assertThat(Durations.parse("-5m")).isEmpty();
        assertThat(Settings.defaults().with(Map.of("caseCloseIdle", 3600)).duration(Setting.CASE_CLOSE_IDLE))
                .contains(Duration.ofHours(1));
        assertThat(Settings.defaults().with(Map.of("caseCloseIdle", "0")).duration(Setting.CASE_CLOSE_IDLE)).isEmpty();
    }

    @Test
    void invalidValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> Settings.defaults().with(Map.of("caseConfirmation", "true")))
                .hasMessage("caseConfirmation must be a boolean (true or false)");
        assertThatThrownBy(() -> Settings.defaults().with(Map.of("smtpPort", 25.5)))
                .hasMessage("smtpPort must be a whole number");
        assertThatThrownBy(() -> Settings.defaults().with(Map.of("smtpEncryption", "ssl")))
                .hasMessage("smtpEncryption must be one of none, starttls, tls");
        assertThatThrownBy(() -> Settings.defaults().with(Map.of("mailAddress", "support")))
                .hasMessage("mailAddress must be an e-mail address");
        assertThatThrownBy(() -> Settings.defaults().with(Map.of("mailSubjectPrefix", "a\r\nBcc: x@y.z")))
                .hasMessage("mailSubjectPrefix must be a single line of text");
        assertThatThrownBy(() -> Settings.defaults().with(Map.of("smtpServer", "smtp://mail.example.com")))
                .hasMessage("smtpServer must be a host name or IP address such as mail.example.com, without scheme or"
                        + " port");
        assertThatThrownBy(() -> Settings.defaults().with(Map.of("imapServer", "mail.example.com:993")))
                .hasMessageStartingWith("imapServer must be a host name or IP address");
        assertThat(Settings.defaults().with(Map.of("smtpServer", "localhost", "imapServer", "::1")).get(Setting.IMAP_SERVER))
                .isEqualTo("::1");
        assertThat(Settings.defaults().with(Map.of("smtpServer", "192.0.2.7")).get(Setting.SMTP_SERVER))
                .isEqualTo("192.0.2.7");
        for (String host : List.of("mail_server", "casey_mail_1", "mail.example.com.", "[::1]", "fe80::1%eth0",
                "[fe80::1%eth0]")) {
            assertThat(Settings.defaults().with(Map.of("smtpServer", host)).get(Setting.SMTP_SERVER)).isEqualTo(host);
        }
        for (String notAHost : List.of("mail server", "-mail", "mail..example.com", "https://mail")) {
            assertThatThrownBy(() -> Settings.defaults().with(Map.of("imapServer", notAHost)))
                    .hasMessageStartingWith("imapServer must be a host name or IP address");
        }
        assertThatThrownBy(() -> Settings.defaults().with(Map.of("caseConfirmationExpiry", 0)))
                .hasMessageStartingWith("caseConfirmationExpiry must be a duration from 1s to 3650d");
        assertThatThrownBy(() -> Settings.defaults().with(Map.of("mailAttachmentMaxBytes", -1)))
                .hasMessage("mailAttachmentMaxBytes must be a number of bytes from 0 to 1073741824 (1 GiB)");
        assertThatThrownBy(() -> Settings.defaults().with(Map.of("mailMaxBytes", 1024)))
                .hasMessage("mailMaxBytes must be a number of bytes from 65536 (64 KiB) to 1073741824 (1 GiB)");
        assertThatThrownBy(() -> Settings.defaults().with(Map.of("mailSyncTimr", 5)))
                .hasMessage("unknown configuration key mailSyncTimr");
    }

    @Test
    void formSendersAreAListOfAddressesEachOnce() {
        assertThat(Settings.defaults().addresses(Setting.MAIL_FORM_SENDERS)).isEmpty();
        assertThat(Settings.defaults().with(Map.of("mailFormSenders",
                List.of(" forms@site.test", "Forms@Site.test", "wordpress@site.test"))).addresses(Setting.MAIL_FORM_SENDERS))
                .containsExactly("forms@site.test", "wordpress@site.test");
        for (Object bad : List.of("forms@site.test", List.of("forms"), List.of(5), Collections.nCopies(101, "a@b.test"))) {
            assertThatThrownBy(() -> Settings.defaults().with(Map.of("mailFormSenders", bad)))
                    .hasMessage("mailFormSenders must be a list of at most 100 e-mail addresses");
        }
    }

    @Test
    void nullResetsAKeyToItsDefault() {
        Settings changed = Settings.defaults().with(Map.of("mailSyncTimer", 120));
        Map<String, Object> reset = new HashMap<>();
        reset.put("mailSyncTimer", null);
        assertThat(changed.with(reset).get(Setting.MAIL_SYNC_TIMER)).isEqualTo(60);
        assertThat(changed.with(reset).explicitValues()).isEmpty();
    }

    @Test
    void apiTokensAreCheckedAndReadBack() {
        Settings settings = Settings.defaults().with(Map.of("apiTokens", List.of(
                Map.of("name", "frontend", "token", "0123456789abcdef", "scopes", List.of("cases")),
                Map.of("name", "ops", "token", "fedcba9876543210", "scopes", List.of("admin", "cases")))));
        assertThat(settings.apiTokens()).extracting(ApiToken::name).containsExactly("frontend", "ops");
        assertThat(settings.apiTokens().get(1).allows("admin")).isTrue();
        assertThat(settings.apiTokens().get(0).allows("admin")).isFalse();
        // kept as digests: the token matches, its digest presented as a token does not
        ApiToken frontend = settings.apiTokens().get(0);
        assertThat(frontend.token()).startsWith("sha256:").hasSize(71).doesNotContain("0123456789abcdef");
        assertThat(frontend.matches("0123456789abcdef")).isTrue();
        assertThat(frontend.matches(frontend.token())).isFalse();
        assertThat(frontend.matches("0123456789abcdeF")).isFalse();
        // a digest given (a committed file) is kept as it is, and read again the same
        Settings again = Settings.defaults().with(Map.of("apiTokens", List.of(
                Map.of("name", "frontend", "token", frontend.token(), "scopes", List.of("cases")))));
        assertThat(again.apiTokens().get(0).token()).isEqualTo(frontend.token());
        assertThat(again.apiTokens().get(0).matches("0123456789abcdef")).isTrue();
        assertThatThrownBy(() -> Settings.defaults().with(Map.of("apiTokens", List.of(
                Map.of("name", "a", "token", "0123456789abcdef", "scopes", List.of("root"))))))
                .hasMessageContaining("apiTokens[0].scopes");
        assertThatThrownBy(() -> Settings.defaults().with(Map.of("apiTokens", List.of(
                Map.of("name", "a", "token", "0123456789abcdef", "scopes", List.of("cases")),
                Map.of("name", "b", "token", "0123456789abcdef", "scopes", List.of("cases"))))))
                .hasMessageContaining("apiTokens[1] repeats");
    }
}
