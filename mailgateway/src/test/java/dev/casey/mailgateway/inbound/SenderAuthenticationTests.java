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
                .isEqualTo(Verdict.NONE);
        assertThat(verdict("mx.casey.test; spf=softfail smtp.mailfrom=cust.tld")).isEqualTo(Verdict.NONE);
        assertThat(verdict("mx.casey.test; none")).isEqualTo(Verdict.NONE);
    }

    @Test
    void everyHeaderOfTheSupportMailboxsServerCountsAndAFailureOutweighsAPass() {
        // one server, one header per check (OpenDKIM, OpenDMARC): a signature of the forger's own domain excuses nothing
        assertThat(verdict("mx.casey.test; dkim=pass header.d=evil.example",
                "mx.casey.test; dmarc=fail header.from=team.tld")).isEqualTo(Verdict.FAIL);
        assertThat(verdict("mx.casey.test; spf=fail smtp.mailfrom=forwarder.example",
                "mx.casey.test; dkim=pass header.d=cust.example", "mx.casey.test; dmarc=pass header.from=cust.example"))
                .as("forwarded mail DMARC passes through its signature").isEqualTo(Verdict.PASS);
        assertThat(verdict("relay.elsewhere.tld; dmarc=fail header.from=cust.tld",
                "mx.casey.test; dmarc=pass header.from=cust.tld")).isEqualTo(Verdict.PASS);
        assertThat(verdict("mx.casey.test.evil.tld; dmarc=fail header.from=cust.tld")).isEqualTo(Verdict.NONE);
        assertThat(verdict("\"mx.casey.test\" 1; dmarc/1 = fail header.from=team.tld")).isEqualTo(Verdict.FAIL);
        assertThat(verdict()).isEqualTo(Verdict.NONE);
    }

    @Test
    void aSemicolonInAQuotedStringOrAnEscapedParenthesisInACommentSplitsNothing() {
        // the envelope sender's local part is the forger's to choose
        assertThat(verdict("mx.casey.test; spf=pass smtp.mailfrom=\"a;dmarc=pass\"@evil.example; dkim=none; "
                + "dmarc=fail header.from=team.tld")).isEqualTo(Verdict.FAIL);
        assertThat(verdict("mx.casey.test; spf=fail smtp.helo=\"a;dkim=pass\"; dkim=none")).isEqualTo(Verdict.FAIL);
        assertThat(verdict("mx.casey.test; spf=fail (a \\) ; dkim=pass) smtp.mailfrom=x@evil.example; dkim=none"))
                .isEqualTo(Verdict.FAIL);
        assertThat(verdict("mx.casey.test (a comment; with (nested) parts); dmarc=fail (p=quarantine; sp=none) "
                + "header.from=team.tld")).isEqualTo(Verdict.FAIL);
    }
}
