package dev.casey.mailgateway.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageIdsTests {

    private static final String DOMAIN = "support.example.com";

    @Test
    void givenADomain_whenANewIdIsMade_thenItIsCaseyDot26LowerCaseBase32AtTheDomain() {
        String id = MessageIds.newMessageId("Support.Example.COM");

        assertThat(id).matches("casey\\.[a-z2-7]{26}@support\\.example\\.com");
        assertThat(MessageIds.requireValid(id, "id")).isEqualTo(id);
    }

    @Test
    void givenSendersIds_whenCheckedForOurHeaders_thenOnlyThoseAHeaderCanCarryPass() {
        assertThat(MessageIds.isValid("abc.123@example.org")).isTrue();
        assertThat(MessageIds.isValid("x".repeat(238) + "@example.org")).isTrue();
        assertThat(MessageIds.isValid("x".repeat(239) + "@example.org")).isFalse();
        assertThat(MessageIds.isValid("\"quoted id\"@example.org")).isFalse();
        assertThat(MessageIds.isValid("no-at-sign")).isFalse();
        assertThat(MessageIds.isValid(null)).isFalse();
    }

    @Test
    void givenManyNewIds_whenCompared_thenTheyAreAllDifferent() {
        Set<String> ids = new HashSet<>();
        IntStream.range(0, 10_000).forEach(i -> ids.add(MessageIds.newMessageId(DOMAIN)));

        assertThat(ids).hasSize(10_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "exa mple.com", "-example.com", "example..com", "user@example.com", "exämple.com"})
    void givenAnInvalidDomain_whenANewIdIsMade_thenItIsRefused(String domain) {
        assertThatThrownBy(() -> MessageIds.newMessageId(domain)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void givenOneOfOurIds_whenTheTokenIsAsked_thenItIsTheRandomPart() {
        String id = MessageIds.newMessageId(DOMAIN);
        String random = id.substring("casey.".length(), "casey.".length() + 26);

        assertThat(MessageIds.token(id, DOMAIN)).contains(random);
        assertThat(MessageIds.token(" <" + id + "> ", DOMAIN)).contains(random);
        assertThat(MessageIds.token(id.toUpperCase(), "SUPPORT.example.com")).contains(random);
        assertThat(MessageIds.token(id)).contains(random);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "casey.abcdefghijklmnopqrstuvwxyz@other.example.com",
            "casey.abcdefghijklmnopqrstuvwxyz@support.example.com.evil.org",
            "other.abcdefghijklmnopqrstuvwxyz@support.example.com",
            "casey.abcdefghijklmnopqrstuvwxy@support.example.com",
            "casey.abcdefghijklmnopqrstuvwxyza@support.example.com",
            "casey.abcdefghijklmnopqrstuvwxy1@support.example.com",
            "casey.abcdefghijklmnopqrstuvwxyz",
            "CAF=abc@mail.gmail.com",
            ""})
    void givenAnIdThatIsNotOurs_whenTheTokenIsAsked_thenThereIsNone(String id) {
        assertThat(MessageIds.token(id, DOMAIN)).isEmpty();
    }

    @Test
    void givenNull_whenTheTokenIsAsked_thenThereIsNone() {
        assertThat(MessageIds.token(null, DOMAIN)).isEmpty();
        assertThat(MessageIds.token(null)).isEmpty();
        assertThat(MessageIds.token("casey.abcdefghijklmnopqrstuvwxyz@" + DOMAIN, null)).isEmpty();
    }

    @Test
    void givenTheSingleArgumentForm_whenAnIdOfAnotherDomainIsOurShape_thenItStillYieldsItsToken() {
        assertThat(MessageIds.token("casey.abcdefghijklmnopqrstuvwxyz@other.example.com"))
                .contains("abcdefghijklmnopqrstuvwxyz");
        assertThat(MessageIds.token("other.abcdefghijklmnopqrstuvwxyz@other.example.com")).isEmpty();
    }

    @Test
    void givenAMainDomain_whenTheIdDomainIsAsked_thenItWins() {
        assertThat(MessageIds.domainOf("support@example.com", "Mail.Example.org")).isEqualTo("mail.example.org");
    }

    @Test
    void givenNoMainDomain_whenTheIdDomainIsAsked_thenItIsTheDomainOfTheSupportAddress() {
        assertThat(MessageIds.domainOf("support@Example.COM", null)).isEqualTo("example.com");
        assertThat(MessageIds.domainOf("support@example.com", " ")).isEqualTo("example.com");
        assertThatThrownBy(() -> MessageIds.domainOf("not an address", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
