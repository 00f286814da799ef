package dev.casey.api.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmailAddressesTests {

    @Test
    void acceptsAddressesMailServersAccept() {
        assertThat(EmailAddresses.isValid("some.user@other.tld")).isTrue();
        assertThat(EmailAddresses.isValid("o'brien+casey@mail.example.co.uk")).isTrue();
        assertThat(EmailAddresses.parse("  ben@domain.tld ")).contains("ben@domain.tld");
    }

    @Test
    void refusesWhatIsNotAnAddress() {
        assertThat(EmailAddresses.isValid(null)).isFalse();
        assertThat(EmailAddresses.isValid("")).isFalse();
        assertThat(EmailAddresses.isValid("ben")).isFalse();
        assertThat(EmailAddresses.isValid("ben@localhost")).isFalse();
        assertThat(EmailAddresses.isValid("ben@@domain.tld")).isFalse();
        assertThat(EmailAddresses.isValid("ben smith@domain.tld")).isFalse();
        assertThat(EmailAddresses.isValid("ben@domain.tld\r\nBcc: x@y.z")).isFalse();
        assertThat(EmailAddresses.isValid("\"Ben\" <ben@domain.tld>")).isFalse();
        assertThat(EmailAddresses.isValid(".ben@domain.tld")).isFalse();
        assertThat(EmailAddresses.isValid("a".repeat(65) + "@domain.tld")).isFalse();
    }

    @Test
    void comparesCaseInsensitively() {
        assertThat(EmailAddresses.key(" Ben@Domain.TLD")).isEqualTo("ben@domain.tld");
        assertThat(EmailAddresses.domain("ben@domain.tld")).isEqualTo("domain.tld");
    }

    @Test
    void knowsTheSupportAddressAndItsPlusAddressesByTheirKeys() {
        String support = "Support@Casey.Example";
        assertThat(EmailAddresses.isSupportAddress(" support@casey.example", support)).isTrue();
        assertThat(EmailAddresses.isSupportAddress("SUPPORT+k7qm@CASEY.example", support)).isTrue();
        assertThat(EmailAddresses.isSupportAddress("supporter@casey.example", support)).isFalse();
        assertThat(EmailAddresses.isSupportAddress("support@other.casey.example", support)).isFalse();
        assertThat(EmailAddresses.isSupportAddress("my.support@casey.example", support)).isFalse();
        assertThat(EmailAddresses.isSupportAddress(null, support)).isFalse();
        assertThat(EmailAddresses.plusToken("SUPPORT+K7qm@CASEY.example", support)).hasValue("k7qm");
        assertThat(EmailAddresses.plusToken("support@casey.example", support)).isEmpty();
        assertThat(EmailAddresses.plusToken("support+k7qm@other.example", support)).isEmpty();
        assertThat(EmailAddresses.plusToken("nosupport+k7qm@casey.example", support)).isEmpty();
    }
}
