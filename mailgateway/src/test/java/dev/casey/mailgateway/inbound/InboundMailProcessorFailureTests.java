package dev.casey.mailgateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.startsWith;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.casey.api.settings.Settings;
import dev.casey.mailgateway.MailSettings;
import dev.casey.mailgateway.outbox.Outbox;
import java.nio.charset.StandardCharsets;
import java.sql.SQLTransientConnectionException;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.lifecycle.ShutdownInProgressException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A mail whose handling fails for a reason of its own is quarantined, whole, once; a failure of the database is
 * thrown, for the mail to be offered again. The failures are made by the case matcher, standing in for any step.
 */
class InboundMailProcessorFailureTests {

    private static final byte[] RAW = """
            From: Jane <jane@example.org>\r
            To: support@casey.example\r
            Subject: Printer on fire\r
            Message-ID: <fire-1@example.org>\r
            \r
            It burns.\r
            """.getBytes(StandardCharsets.UTF_8);

    private final InboundLog inbound = mock(InboundLog.class);
    private final CaseMatcher matcher = mock(CaseMatcher.class);
    private final InboundMailProcessor processor = new InboundMailProcessor(new MailSettings(Settings::defaults),
            inbound, matcher, mock(AttachmentStore.class), mock(Outbox.class), mock(CommandGateway.class),
            new TransactionTemplate(mock(PlatformTransactionManager.class)));
    private final UUID record = UUID.randomUUID();

    @BeforeEach
    void setUp() {
        when(inbound.earlier(any())).thenReturn(Optional.empty());
        when(inbound.record(any(), any(), any(), any(), any(), any(), any(), any(), any(), any(), anyBoolean()))
                .thenReturn(record);
    }

    @Test
    void givenHandlingOverflowsTheStack_whenReceived_thenTheMailIsQuarantinedWhole() {
        when(matcher.match(any(), any(), any())).thenThrow(new StackOverflowError());

        InboundMailProcessor.Result result = processor.receive(RAW, InboundMailProcessor.Via.IMAP);

        assertThat(result.outcome()).isEqualTo(InboundMailProcessor.Outcome.QUARANTINED);
        assertThat(result.mail()).isEqualTo(record);
        assertThat(result.detail()).isEqualTo("cannot be handled: java.lang.StackOverflowError");
        verify(inbound).record(startsWith("sha256:"), eq(null), eq(null), eq(null), eq(InboundMailProcessor.Via.IMAP),
                eq(InboundMailProcessor.Outcome.QUARANTINED), eq(result.detail()), eq(null), eq(RAW), eq(null),
                eq(true));
    }

    @Test
    void givenAMailTheMailboxQuarantinedUnread_whenRecordedByItsHeader_thenItIsListedAsQuarantinedAndNotWhole() {
        byte[] header = Arrays.copyOf(RAW, new String(RAW, StandardCharsets.UTF_8).indexOf("It burns."));

        InboundMailProcessor.Result result = processor.quarantinedUnread(header, 4096,
                "could not be read from the mailbox 5 times in a row (NO cannot fetch)", InboundMailProcessor.Via.IMAP);

        assertThat(result.outcome()).isEqualTo(InboundMailProcessor.Outcome.QUARANTINED);
        assertThat(result.mail()).isEqualTo(record);
        assertThat(result.detail()).isEqualTo("message of 4096 bytes could not be read from the mailbox 5 times in a row "
                + "(NO cannot fetch): moved to the mailbox's quarantine folder, only its header kept here");
        verify(inbound).record(startsWith("unread:sha256:"), eq("fire-1@example.org"), eq("jane@example.org"),
                eq("Printer on fire"), eq(InboundMailProcessor.Via.IMAP), eq(InboundMailProcessor.Outcome.QUARANTINED),
                eq(result.detail()), eq(null), eq(header), eq(null), eq(false));
    }

    @Test
    void givenAMailWhoseHeaderCouldNotBeReadEither_whenRecorded_thenItHasARecordOfItsOwn() {
        for (int i = 0; i < 2; i++) {
            InboundMailProcessor.Result result = processor.quarantinedUnread(new byte[0], 4096,
                    "could not be read from the mailbox 5 times in a row (NO cannot fetch)", InboundMailProcessor.Via.IMAP);
            assertThat(result.outcome()).isEqualTo(InboundMailProcessor.Outcome.QUARANTINED);
        }
        verify(inbound, org.mockito.Mockito.times(2)).record(startsWith("unread:"), eq(null), eq(null), eq(null),
                eq(InboundMailProcessor.Via.IMAP), eq(InboundMailProcessor.Outcome.QUARANTINED), any(), eq(null),
                eq(new byte[0]), eq(null), eq(false));
    }

    @Test
    void givenHandlingMeetsABug_whenReceived_thenTheMailIsQuarantinedSayingWhichOne() {
        when(matcher.match(any(), any(), any())).thenThrow(new IllegalStateException("a bug\nmet by\u0000this mail"));

        InboundMailProcessor.Result result = processor.receive(RAW, InboundMailProcessor.Via.HTTP);

        assertThat(result.outcome()).isEqualTo(InboundMailProcessor.Outcome.QUARANTINED);
        assertThat(result.detail()).isEqualTo("cannot be handled: java.lang.IllegalStateException: a bug met by this mail");
    }

    @Test
    void givenTheDatabaseIsAway_whenReceived_thenItIsThrownAndNothingIsQuarantined() {
        when(matcher.match(any(), any(), any()))
                .thenThrow(new DataAccessResourceFailureException("connection refused"))
                .thenThrow(new CannotCreateTransactionException("no connection",
                        new SQLTransientConnectionException("timed out")))
                .thenThrow(new IllegalStateException("wrapped", new SQLTransientConnectionException("timed out")))
                .thenThrow(new ShutdownInProgressException())
                .thenThrow(new IllegalStateException("stopping", new InterruptedException()));

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> processor.receive(RAW, InboundMailProcessor.Via.IMAP))
                    .isInstanceOf(RuntimeException.class);
        }
        verify(inbound, never()).record(any(), any(), any(), any(), any(), any(), any(), any(), any(), any(),
                anyBoolean());
    }
}
