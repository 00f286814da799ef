package dev.casey.mailgateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class TeamAddressesTests {

    private final UnaryOperator<String> mask = TeamAddresses.maskedFor(
            List.of("ben@team.test", "anna.bell@team.test"), "support@casey.test");

    @Test
    void teamAddressesInTextBecomeTheSupportAddress() {
        assertThat(mask.apply("Ben Foo\nTeam Lead, BEN@team.test, +1 555 0100\n<anna.bell@team.test>"))
                .isEqualTo("Ben Foo\nTeam Lead, support@casey.test, +1 555 0100\n<support@casey.test>");
    }

    @Test
    void otherAddressesAndLookAlikesStay() {
        assertThat(mask.apply("write to customer@example.org or xben@team.test or ben@team.testing"))
                .isEqualTo("write to customer@example.org or xben@team.test or ben@team.testing");
    }

    @Test
    void withoutATeamNothingChanges() {
        assertThat(TeamAddresses.maskedFor(List.of(), "s@x.test").apply("ben@team.test")).isEqualTo("ben@team.test");
    }
}
