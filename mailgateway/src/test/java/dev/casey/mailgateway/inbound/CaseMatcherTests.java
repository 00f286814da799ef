package dev.casey.mailgateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.atMost;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.casey.mailgateway.cases.MailDirectory;
import dev.casey.mailgateway.outbox.Outbox;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** Each id, reference and token a mail names is a query: a mail naming tens of thousands makes only a few. */
class CaseMatcherTests {

    private final Outbox outbox = mock(Outbox.class);
    private final MailDirectory directory = mock(MailDirectory.class);
    private final CaseMatcher matcher = new CaseMatcher(outbox, directory);

    @Test
    void givenAMailNamingFortyThousandIdsReferencesAndTokens_whenMatched_thenOnlyTheNewestFewAreLookedUp()
            throws UnparseableMailException {
        StringBuilder references = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            references.append(" <").append(i).append("@example.org>");
        }
        StringBuilder cc = new StringBuilder();
        for (int i = 0; i < 1_000; i++) {
            cc.append(i == 0 ? "" : ", ").append("support+t").append(i).append("@casey.example");
        }
        byte[] raw = ("From: Jane <jane@example.org>\r\nTo: support@casey.example\r\nCc: " + cc
                + "\r\nIn-Reply-To: <reply@example.org>\r\nReferences:" + references
                + "\r\nSubject: " + "[ABCD-EFGH] ".repeat(1_000) + "\r\n\r\nHello\r\n").getBytes(StandardCharsets.UTF_8);
        InboundMail mail = new InboundMailParser(10_000_000, 1_000_000).parse(raw);
        when(outbox.byMessageId(anyString())).thenReturn(Optional.empty());
        when(directory.casesOfMails(any())).thenReturn(Map.of());
        when(directory.byReference(anyString())).thenReturn(Optional.empty());

        assertThat(matcher.match(mail, "support@casey.example", "casey.example")).isEmpty();

        verify(outbox, atMost(CaseMatcher.MOST_THREAD_IDS + CaseMatcher.MOST_PLUS_TOKENS)).byMessageId(anyString());
        verify(outbox).byMessageId("reply@example.org");
        verify(outbox).byMessageId("39999@example.org");
        verify(directory, atMost(CaseMatcher.MOST_SUBJECT_REFERENCES)).byReference(anyString());
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<String>> looked = ArgumentCaptor.forClass(List.class);
        verify(directory).casesOfMails(looked.capture());
        assertThat(looked.getValue()).hasSize(CaseMatcher.MOST_THREAD_IDS).startsWith("reply@example.org", "39999@example.org");
    }
}
