package dev.casey.mailgateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casey.mailgateway.inbound.SenderAuthentication.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdict of the support mailbox's own server on a mail's sender, from its Authentication-Results. */
class SenderAuthenticationTests {

    private static final String OURS = "mx.casey.test";

    private static Verdict verdict(String... headers) {
        return SenderAuthentication.of(List.of(headers), OURS).verdict();
    }

    @Test
    void dmarcDecidesWhenTheServerChecksIt() {
        assertThat(verdict("mx.casey.test; spf=pass smtp.mailfrom=evil.tld; dkim=none; dmarc=fail (p=reject dis=none) "
                + "header.from=team.tld")).isEqualTo(Verdict.FAIL);
        assertThat(verdict("mx.casey.test 1; dkim=pass header.d=cust.tld; dmarc=pass header.from=cust.tld"))
                .isEqualTo(Verdict.PASS);
        assertThat(verdict("MX.Casey.Test;\r\n\tspf=fail smtp.mailfrom=cust.tld;\r\n\tdmarc=none header.from=cust.tld"))
                .as("a domain that publishes no DMARC asks for nothing").isEqualTo(Verdict.NONE);
    }

    @Test
    void withoutDmarcAFailedSpfCountsOnlyWithoutAVerifiedSignature() {
        assertThat(verdict("mx.casey.test; spf=fail smtp.mailfrom=team.tld; dkim=none")).isEqualTo(Verdict.FAIL);
        assertThat(verdict("mx.casey.test; spf=fail smtp.mailfrom=list.tld; dkim=pass header.d=cust.tld"))
                .isEqualTo(Verdict.PASS);
        assertThat(verdict("mx.casey.test; spf=softfail smtp.mailfrom=cust.tld")).isEqualTo(Verdict.NONE);
        assertThat(verdict("mx.casey.test; none")).isEqualTo(Verdict.NONE);
    }

    @Test
    void onlyTheTopmostHeaderOfTheSupportMailboxsServerCounts() {
        assertThat(verdict("relay.elsewhere.tld; dmarc=fail header.from=cust.tld",
                "mx.casey.test; dmarc=pass header.from=cust.tld")).isEqualTo(Verdict.PASS);
        assertThat(verdict("mx.casey.test; dmarc=fail header.from=team.tld",
                "mx.casey.test; dmarc=pass (written by the sender) header.from=team.tld")).isEqualTo(Verdict.FAIL);
        assertThat(verdict("mx.casey.test.evil.tld; dmarc=fail header.from=cust.tld")).isEqualTo(Verdict.NONE);
        assertThat(verdict()).isEqualTo(Verdict.NONE);
    }

    @Test
    void commentsAndQuotedSemicolonsInCommentsDoNotSplitResults() {
        assertThat(verdict("mx.casey.test (a comment; with (nested) parts); dmarc=fail (p=quarantine; sp=none) "
                + "header.from=team.tld")).isEqualTo(Verdict.FAIL);
    }
}
