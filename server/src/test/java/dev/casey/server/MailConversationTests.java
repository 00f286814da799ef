package dev.casey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.casey.api.supportcase.RecordMailDeliveryFailureCommand;
import dev.casey.mailgateway.cases.MailDirectory;
import dev.casey.mailgateway.inbound.InboundMailProcessor;
import dev.casey.server.Api.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.common.Registration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.JsonNode;

/**
 * A customer and two team members converse by mail through the support address, with real SMTP
 * and IMAP servers (GreenMail) around the running service.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MailConversationTests extends ServiceTest {

    static final MailServers MAIL = new MailServers();
    static final Duration PATIENCE = Duration.ofSeconds(20);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casey.data-dir", () -> newDataDir("mail").toString());
        registry.add("casey.config-file", () -> configFile(MAIL.config("")).toString());
        registry.add("casey.outbox.first-retry", () -> "200ms");
    }

    /** Across every test of this class: no mail to anyone outside the team carries a team address. */
    @AfterAll
    static void noTeamAddressEverLeftTheTeam() {
        try {
            List<byte[]> all = MAIL.allReceived();
            assertThat(all).isNotEmpty();
            for (byte[] mail : all) {
                String to = Mails.header(mail, "To");
                if (!to.contains("@team.test")) {
                    assertThat(Mails.everything(mail)).as("mail to " + to).doesNotContainIgnoringCase("team.test");
                }
            }
        } finally {
            MAIL.close();
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    InboundMailProcessor inboundMail;
    @Autowired
    CommandBus commandBus;
    @Autowired
    MailDirectory directory;
    Api api;

    @BeforeEach
    void team() {
        api = new Api(port);
        if (api.get("/persons?team=true").json().get("persons").isEmpty()) {
            api.person("Ben Foo", "ben@team.test", true);
            api.person("Anna Bell", "anna@team.test", true);
        }
    }

    @Test
    void aCustomerAndTheTeamConverseByMailThroughTheSupportAddress() {
        String customer = "c1@example.org";
        Response created = api.openCase("Some User", customer, "I found a bug", "There is a bug over there!");
        String uuid = created.at("/uuid");
        String reference = created.at("/reference");

        // the creator gets their first message back, the team is told of the new case
        byte[] received = awaitMail(customer, reference, 1).get(0);
        assertThat(Mails.header(received, "From")).isEqualTo("\"Acme Support\" <" + MailServers.SUPPORT + ">");
        // nobody wrote it, and it answers no mail: the case was opened over HTTP
        assertThat(Mails.header(received, "Auto-Submitted")).isEqualTo("auto-generated");
        assertThat(Mails.header(received, "Subject")).isEqualTo("[Casey " + reference + "] I found a bug");
        assertThat(Mails.text(received)).contains("There is a bug over there!").contains("Reply above this line");
        byte[] toBen = awaitMail("ben@team.test", reference, 1).get(0);
        byte[] toAnna = awaitMail("anna@team.test", reference, 1).get(0);
        assertThat(Mails.header(toBen, "Auto-Submitted")).isEqualTo("auto-generated");
        assertThat(Mails.text(toAnna)).contains("There is a bug over there!");
        // what was sent is kept as sent: the outbox row holds the bytes the server got
        String messageId = Mails.header(received, "Message-ID").replaceAll("[<>]", "");
        await().atMost(PATIENCE).until(() -> "SENT".equals(jdbc.queryForObject(
                "SELECT state FROM mail_outbox WHERE message_id = ?", String.class, messageId)));
        JsonNode firstMails = api.get("/case/" + uuid).json().get("messages").get(0).get("deliveries");
        JsonNode toCreator = null;
        for (JsonNode mail : firstMails) {
            toCreator = mail.get("to").asString().equals(customer) ? mail : toCreator;
        }
        assertThat(toCreator).as(firstMails.toString()).isNotNull();
        assertThat(toCreator.get("state").asString()).isEqualTo("sent");
        assertThat(toCreator.get("sentAt").asString()).isNotBlank();
        assertThat(firstMails.findValuesAsString("to")).contains("ben@team.test", "anna@team.test");
        assertThat(api.get("/case/" + uuid + "?asOf=" + java.time.Instant.now()).json().get("messages").get(0)
                .get("deliveries").isNull()).as("not known as of an earlier instant").isTrue();
        assertThat(Mails.text(jdbc.queryForObject("SELECT raw FROM mail_outbox WHERE message_id = ?", byte[].class,
                messageId))).isEqualTo(Mails.text(received));

        // Ben answers the notification from his mail client
        MAIL.sendToSupport("""
                From: Ben Foo <ben@team.test>
                To: %s
                Subject: Re: [Casey %s] I found a bug
                Message-ID: <ben-reply-1@team.test>
                In-Reply-To: <%s>
                References: <%s>
                Date: Mon, 23 Nov 2026 10:00:00 +0000
                Content-Type: text/plain; charset=UTF-8

                We are on it. Which version do you use?

                Ben Foo
                Team Lead, ben@team.test, +1 555 0100

                On Mon, 23 Nov 2026, Acme Support wrote:
                > ##- Reply above this line to add to case %s -##
                > There is a bug over there!
                """.formatted(MailServers.SUPPORT, reference, messageId(toBen), messageId(toBen), reference));
        JsonNode messages = awaitMessages(uuid, 2);
        assertThat(messages.get(1).get("author").get("email").asString()).isEqualTo("ben@team.test");
        assertThat(messages.get(1).get("source").asString()).isEqualTo("mail");
        assertThat(messages.get(1).get("body").asString()).startsWith("We are on it. Which version do you use?")
                .doesNotContain("There is a bug over there!");

        // the customer gets Ben's answer from the support address, threaded, without any team address
        byte[] answer = awaitMail(customer, reference, 2).get(1);
        assertThat(Mails.header(answer, "From")).isEqualTo("\"Ben Foo via Acme Support\" <" + MailServers.SUPPORT + ">");
        assertThat(Mails.header(answer, "In-Reply-To")).isEqualTo("<" + messageId(received) + ">");
        assertThat(Mails.ids(Mails.header(answer, "References"))).contains(messageId(received));
        assertThat(Mails.text(answer)).contains("We are on it. Which version do you use?");
        // the threads of the message's recipients are read at once: Anna's mail threads onto hers, not the customer's
        byte[] answerToAnna = awaitMail("anna@team.test", reference, 2).get(1);
        assertThat(Mails.header(answerToAnna, "In-Reply-To")).isEqualTo("<" + messageId(toAnna) + ">");
        assertThat(Mails.ids(Mails.header(answerToAnna, "References"))).containsExactly(messageId(toAnna));
        assertThat(mailsOfCase("ben@team.test", reference)).hasSize(1);

        // the customer answers from their mail client
        MAIL.sendToSupport("""
                From: Some User <c1@example.org>
                To: Acme Support <%s>
                Subject: Re: [Casey %s] I found a bug
                Message-ID: <customer-reply-1@example.org>
                In-Reply-To: <%s>
                References: <%s> <%s>
                Content-Type: text/plain; charset=UTF-8

                Version 2.1, on Linux.

                -----Original Message-----
                From: Ben Foo via Acme Support
                We are on it.
                """.formatted(MailServers.SUPPORT, reference, messageId(answer), messageId(received), messageId(answer)));
        messages = awaitMessages(uuid, 3);
        assertThat(messages.get(2).get("body").asString()).isEqualTo("Version 2.1, on Linux.");
        assertThat(Mails.text(awaitMail("ben@team.test", reference, 2).get(1))).contains("Version 2.1, on Linux.");
        awaitMail("anna@team.test", reference, 3);

        // Anna writes with only the reference in the subject
        MAIL.sendToSupport("""
                From: Anna Bell <anna@team.test>
                To: %s
                Subject: [Casey %s] fix is ready
                Message-ID: <anna-1@team.test>
                Content-Type: text/plain; charset=UTF-8

                A fix is ready in 2.2.
                """.formatted(MailServers.SUPPORT, reference));
        awaitMessages(uuid, 4);
        List<byte[]> toCustomer = awaitMail(customer, reference, 3);
        assertThat(Mails.header(toCustomer.get(2), "From")).startsWith("\"Anna Bell via Acme Support\"");

        for (byte[] mail : mailsOfCase(customer, reference)) {
            assertThat(Mails.everything(mail)).doesNotContain("team.test");
            assertThat(Mails.header(mail, "Sender")).isNull();
            assertThat(Mails.header(mail, "Reply-To")).isNull();
            assertThat(Mails.header(mail, "Cc")).isNull();
        }
        JsonNode history = api.get("/case/" + uuid + "/history").json().get("events");
        assertThat(history.toString()).contains("TeamInvitedEvent");
    }

    @Test
    void aSubjectLikeAnOutOfOfficeReplyIsAutomaticOnlyInAnswerToACase() {
        Response opened = receive("""
                From: Away Setup <away-setup@example.org>
                To: %s
                Subject: Out of office: replies are not sent since your update
                Message-ID: <away-setup-1@example.org>
                Content-Type: text/plain; charset=UTF-8

                Our out-of-office replies stopped.
                """.formatted(MailServers.SUPPORT));
        assertThat(opened.at("/outcome")).isEqualTo("opened");
        String reference = api.get("/case/" + opened.at("/case")).at("/reference");
        Response away = receive("""
                From: Away Setup <away-setup@example.org>
                To: %s
                Subject: Automatic reply: [Casey %s] Out of office
                Message-ID: <away-setup-2@example.org>
                Content-Type: text/plain; charset=UTF-8

                I am away until Monday.
                """.formatted(MailServers.SUPPORT, reference));
        assertThat(away.at("/outcome")).isEqualTo("automatic");
        assertThat(away.at("/case")).isEqualTo(opened.at("/case"));
        assertThat(api.get("/case/" + opened.at("/case")).json().get("messages")).hasSize(1);
    }

    @Test
    void aCustomerAddingToTheirOwnFirstMailStaysInItsCaseAStrangerDoesNot() {
        Response first = receive("""
                From: Own Thread <own-thread@example.org>
                To: %s
                Subject: The scanner
                Message-ID: <own-thread-1@example.org>
                Content-Type: text/plain; charset=UTF-8

                The scanner stopped.
                """.formatted(MailServers.SUPPORT));
        assertThat(first.at("/outcome")).isEqualTo("opened");
        Response more = receive("""
                From: Own Thread <own-thread@example.org>
                To: %s
                Subject: Re: The scanner
                Message-ID: <own-thread-2@example.org>
                In-Reply-To: <own-thread-1@example.org>
                References: <own-thread-1@example.org>
                Content-Type: text/plain; charset=UTF-8

                It shows error 7.
                """.formatted(MailServers.SUPPORT));
        assertThat(more.at("/outcome")).isEqualTo("posted");
        assertThat(more.at("/case")).isEqualTo(first.at("/case"));
        Response stranger = receive("""
                From: Cc Colleague <cc-colleague@example.org>
                To: %s
                Subject: Re: The scanner
                Message-ID: <own-thread-3@example.org>
                In-Reply-To: <own-thread-1@example.org>
                Content-Type: text/plain; charset=UTF-8

                Mine too.
                """.formatted(MailServers.SUPPORT));
        assertThat(stranger.at("/outcome")).isEqualTo("opened");
        assertThat(stranger.at("/case")).isNotEqualTo(first.at("/case"));
        assertThat(api.get("/case/" + first.at("/case")).json().get("messages")).hasSize(2);
    }

    @Test
    void aStrangerQuotingTheReferenceOpensANewCaseInstead() {
        Response created = api.openCase("Victim", "victim@example.org", "Private matter", "my secret");
        String reference = created.at("/reference");
        awaitMail("victim@example.org", reference, 1);
        MAIL.sendToSupport("""
                From: Mallory <mallory@evil.example>
                To: %s
                Subject: Re: [Casey %s] Private matter
                Message-ID: <mallory-1@evil.example>
                Content-Type: text/plain; charset=UTF-8

                Let me in.
                """.formatted(MailServers.SUPPORT, reference));
        await().atMost(PATIENCE).until(() -> api.get("/cases?participant=mallory@evil.example").json()
                .get("total").asLong() == 1 && !MAIL.receivedBy("mallory@evil.example").isEmpty());
        assertThat(api.get("/case/" + created.at("/uuid")).json().get("messages")).hasSize(1);
        byte[] toMallory = MAIL.receivedBy("mallory@evil.example").get(0);
        assertThat(Mails.text(toMallory)).doesNotContain("my secret");
        String strangers = api.get("/cases?participant=mallory@evil.example").json().get("cases").get(0)
                .get("reference").asString();
        assertThat(Mails.header(toMallory, "Subject")).isEqualTo("[Casey " + strangers + "] Private matter");
    }

    @Test
    void addressesInTheSubjectAreMailedAsWrittenExceptTeamAddressesToCustomers() {
        Response created = api.openCase("Admin User", "admin.user@example.org",
                "Cannot log in as admin@mycompany.com, ben@team.test said to write", "Meeting @ 5pm?");
        String reference = created.at("/reference");

        byte[] toCustomer = awaitMail("admin.user@example.org", reference, 1).get(0);
        assertThat(Mails.header(toCustomer, "Subject")).isEqualTo("[Casey " + reference
                + "] Cannot log in as admin@mycompany.com, " + MailServers.SUPPORT + " said to write");
        assertThat(Mails.text(toCustomer)).contains("admin@mycompany.com, " + MailServers.SUPPORT + " said to write")
                .contains("Meeting @ 5pm?");
        byte[] toBen = awaitMail("ben@team.test", reference, 1).get(0);
        assertThat(Mails.header(toBen, "Subject"))
                .isEqualTo("[Casey " + reference + "] Cannot log in as admin@mycompany.com, ben@team.test said to write");
    }

    @Test
    void theSameMailTwiceIsRecordedOnce() {
        String raw = """
                From: Dup Licate <dup@example.org>
                To: %s
                Subject: Printer jam
                Message-ID: <dup-1@example.org>
                Content-Type: text/plain; charset=UTF-8

                The printer jams.
                """.formatted(MailServers.SUPPORT);
        MAIL.sendToSupport(raw);
        await().atMost(PATIENCE).until(() -> api.get("/cases?participant=dup@example.org").json()
                .get("total").asLong() == 1);
        MAIL.sendToSupport(raw);
        Response viaHttp = receive(raw);
        assertThat(viaHttp.status()).isEqualTo(200);
        assertThat(viaHttp.at("/outcome")).isEqualTo("duplicate");
        await().pollDelay(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> true);
        JsonNode cases = api.get("/cases?participant=dup@example.org").json();
        assertThat(cases.get("total").asLong()).isEqualTo(1);
        assertThat(viaHttp.at("/case")).as("a sender trying again learns the case").isEqualTo(
                cases.get("cases").get(0).get("uuid").asString());
    }

    @Test
    void automaticRepliesAreRecordedButNeverAnsweredAndNeverReopen() {
        String customer = "away@example.org";
        Response created = api.openCase("Away", customer, "Question", "How do I?");
        String uuid = created.at("/uuid");
        String reference = created.at("/reference");
        byte[] first = awaitMail(customer, reference, 1).get(0);
        awaitMail("anna@team.test", reference, 1);
        awaitMail("ben@team.test", reference, 1);
        api.post("/case/" + uuid + "/close");
        int mailsBefore = allMailsOfCase(reference).size();
        MAIL.sendToSupport("""
                From: Away <away@example.org>
                To: %s
                Subject: Out of office: [Casey %s] Question
                Message-ID: <ooo-1@example.org>
                In-Reply-To: <%s>
                Auto-Submitted: auto-replied
                Content-Type: text/plain; charset=UTF-8

                I am out of office until Monday.
                """.formatted(MailServers.SUPPORT, created.at("/reference"), messageId(first)));
        await().atMost(PATIENCE).until(() -> api.get("/case/" + uuid + "/history").text()
                .contains("AutomaticReplyReceivedEvent"));
        await().pollDelay(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> true);
        assertThat(api.get("/case/" + uuid).at("/status")).isEqualTo("closed");
        assertThat(api.get("/case/" + uuid).json().get("messages")).hasSize(1);
        assertThat(allMailsOfCase(reference)).hasSize(mailsBefore);
    }

    @Test
    void aBounceMarksTheMailAndIsRecordedInTheHistory() {
        String customer = "gone@example.org";
        Response created = api.openCase("Gone", customer, "Bounce me", "hello");
        String uuid = created.at("/uuid");
        String reference = created.at("/reference");
        byte[] first = awaitMail(customer, reference, 1).get(0);
        awaitMail("anna@team.test", reference, 1);
        awaitMail("ben@team.test", reference, 1);
        int mailsBefore = allMailsOfCase(reference).size();
        MAIL.sendToSupport("""
                From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
                To: %s
                Subject: Undelivered Mail Returned to Sender
                Message-ID: <bounce-1@mx.example.org>
                Auto-Submitted: auto-replied
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

                --b1
                Content-Type: text/plain

                Your mail could not be delivered.
                --b1
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.example.org

                Final-Recipient: rfc822; gone@example.org
                Action: failed
                Status: 5.1.1
                Diagnostic-Code: smtp; 550 5.1.1 user unknown

                --b1
                Content-Type: text/rfc822-headers

                Message-ID: <%s>
                Subject: [Casey %s] Bounce me
                --b1--
                """.formatted(MailServers.SUPPORT, messageId(first), created.at("/reference")));
        await().atMost(PATIENCE).until(() -> api.get("/case/" + uuid + "/history").text().contains("MailBouncedEvent"));
        assertThat(api.get("/case/" + uuid + "/history").text()).contains("550 5.1.1 user unknown");
        assertThat(allMailsOfCase(reference)).hasSize(mailsBefore);
    }

    @Test
    void mailThatCannotBeParsedIsQuarantinedAndTheNextOneIsProcessed() throws Exception {
        // straight into the mailbox: an SMTP server would add a header block of its own
        ImapFolders.append(MAIL.supportServer(), MailServers.SUPPORT, MailServers.SUPPORT_PASSWORD, "INBOX",
                "this is not a mail at all, there is no header block\r\n".getBytes(StandardCharsets.UTF_8));
        MAIL.sendToSupport("""
                From: Nobody <root@localhost>
                To: %s
                Subject: From nowhere
                Message-ID: <nowhere-1@localhost>

                No usable sender.
                """.formatted(MailServers.SUPPORT));
        MAIL.sendToSupport("""
                From: After <after@example.org>
                To: %s
                Subject: After the poison
                Message-ID: <after-1@example.org>
                Content-Type: text/plain; charset=UTF-8

                Still works.
                """.formatted(MailServers.SUPPORT));
        await().atMost(PATIENCE).until(() -> api.get("/cases?participant=after@example.org").json()
                .get("total").asLong() == 1);
        await().atMost(PATIENCE).until(() -> ImapFolders.count(MAIL.supportServer(), MailServers.SUPPORT,
                MailServers.SUPPORT_PASSWORD, "Casey/Quarantine") == 2);
    }

    @Test
    void mailMovedBackFromTheProcessedFolderIsTakenInWhenTheStoreLacksItAndKnownWhenItHasIt() throws Exception {
        String known = """
                From: Known <known.restore@example.org>
                To: %s
                Subject: Before the backup
                Message-ID: <known-restore-1@example.org>

                Taken in before the backup.
                """.formatted(MailServers.SUPPORT).replace("\n", "\r\n");
        MAIL.sendToSupport(known);
        await().atMost(PATIENCE).until(() -> api.get("/cases?participant=known.restore@example.org").json()
                .get("total").asLong() == 1);
        int processed = ImapFolders.count(MAIL.supportServer(), MailServers.SUPPORT, MailServers.SUPPORT_PASSWORD,
                "Casey/Processed");

        // after a restore from a backup, the operator moves the mail since the backup back to the inbox: one the store
        // has, one it lost, both with the keyword the poller gave them
        byte[] lost = """
                From: Lost <lost.restore@example.org>
                To: %s
                Subject: After the backup
                Message-ID: <lost-restore-1@example.org>

                Taken in after the backup, gone with the restore.
                """.formatted(MailServers.SUPPORT).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        for (byte[] raw : List.of(known.getBytes(StandardCharsets.UTF_8), lost)) {
            ImapFolders.append(MAIL.supportServer(), MailServers.SUPPORT, MailServers.SUPPORT_PASSWORD, "INBOX", raw,
                    "$CaseyProcessed");
        }
        await().atMost(PATIENCE).until(() -> api.get("/cases?participant=lost.restore@example.org").json()
                .get("total").asLong() == 1);
        await().atMost(PATIENCE).until(() -> ImapFolders.count(MAIL.supportServer(), MailServers.SUPPORT,
                MailServers.SUPPORT_PASSWORD, "Casey/Processed") == processed + 2);
        JsonNode knownCases = api.get("/cases?participant=known.restore@example.org").json();
        assertThat(knownCases.get("total").asLong()).as("known: a duplicate").isEqualTo(1);
        assertThat(api.get("/case/" + knownCases.get("cases").get(0).get("uuid").asString()).json().get("messages"))
                .hasSize(1);
    }

    @Test
    void valuesLongerThanTheirColumnsNeitherStopTheInboxNorLoseTheMail() {
        // a Message-ID may fill a 998-character line, a media type too: both past the 255 of their columns
        String longId = "<" + "x".repeat(400) + "@example.org>";
        String raw = """
                From: Long Lines <long-lines@example.org>
                To: %s
                Subject: Long lines
                Message-ID: %s
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="m1"

                --m1
                Content-Type: text/plain; charset=UTF-8

                See the odd file.
                --m1
                Content-Type: application/x-%s; name="odd.bin"
                Content-Disposition: attachment; filename="odd.bin"

                data
                --m1--
                """.formatted(MailServers.SUPPORT, longId, "t".repeat(400));
        // and a value PostgreSQL refuses whatever we do (here: a constraint made for the test) keeps the mail aside,
        // whole, instead of failing again and again (over IMAP: blocking the inbox)
        jdbc.execute("ALTER TABLE mail_attachment ADD CONSTRAINT refuses_poison CHECK (filename <> 'poison.bin')");
        Response refused;
        try {
            refused = receive("""
                    From: Poison <poison@example.org>
                    To: %s
                    Subject: A file the database refuses
                    Message-ID: <poison-1@example.org>
                    MIME-Version: 1.0
                    Content-Type: multipart/mixed; boundary="m1"

                    --m1
                    Content-Type: text/plain; charset=UTF-8

                    See the file.
                    --m1
                    Content-Type: application/octet-stream
                    Content-Disposition: attachment; filename="poison.bin"

                    data
                    --m1--
                    """.formatted(MailServers.SUPPORT));
        } finally {
            jdbc.execute("ALTER TABLE mail_attachment DROP CONSTRAINT refuses_poison");
        }
        CaseyServiceTests.assertProblem(refused, 422, "UNPROCESSABLE_MAIL", null);
        assertThat(refused.at("/detail")).contains("cannot be stored").contains("SQLSTATE 23514");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM inbound_mail WHERE outcome = 'QUARANTINED'"
                + " AND position('poison-1@example.org' IN convert_from(raw, 'UTF8')) > 0", Long.class)).isEqualTo(1);
        assertThat(api.get("/cases?participant=poison@example.org").json().get("total").asLong()).isZero();
        MAIL.sendToSupport(raw);
        MAIL.sendToSupport("""
                From: Behind <behind-long-lines@example.org>
                To: %s
                Subject: Behind the long lines
                Message-ID: <behind-long-lines-1@example.org>
                Content-Type: text/plain; charset=UTF-8

                Still read.
                """.formatted(MailServers.SUPPORT));
        await().atMost(PATIENCE).until(() -> api.get("/cases?participant=behind-long-lines@example.org").json()
                .get("total").asLong() == 1);
        await().atMost(PATIENCE).until(() -> api.get("/cases?participant=long-lines@example.org").json()
                .get("total").asLong() == 1);
        String uuid = api.get("/cases?participant=long-lines@example.org").json().get("cases").get(0).get("uuid")
                .asString();
        JsonNode attachment = api.get("/case/" + uuid).json().get("messages").get(0).get("attachments").get(0);
        assertThat(attachment.get("contentType").asString()).isEqualTo("application/octet-stream");
        Response again = receive(raw);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.at("/outcome")).isEqualTo("duplicate");
        assertThat(again.at("/case")).isEqualTo(uuid);
        // the team's answer threads on what our headers can carry: the sender's Message-ID is left out, not a failure
        assertThat(api.post("/case/" + uuid + "/messages", """
                {"from": "ben@team.test", "message": "Got it."}""").status()).isEqualTo(201);
        String reference = api.get("/case/" + uuid).at("/reference");
        byte[] answer = MAIL.awaitReceived("long-lines@example.org", reference, 2, PATIENCE).get(1);
        assertThat(Mails.text(answer)).contains("Got it.");
        assertThat(Mails.header(answer, "References")).doesNotContain("xxxxxxxx");
    }

    /** The quoted messages are read in the statement that stores the message: none of its own, newest first, five. */
    @Test
    void aMessagesMailQuotesTheFiveMessagesBeforeItNewestFirst() {
        String customer = "quoted.history@example.org";
        Response created = api.openCase("Quoted History", customer, "Eight messages", "message 1");
        String uuid = created.at("/uuid");
        String reference = created.at("/reference");
        for (int n = 2; n <= 8; n++) {
            String from = n % 2 == 0 ? "ben@team.test" : customer;
            assertThat(api.post("/case/" + uuid + "/messages", """
                    {"from": "%s", "message": "message %d"}""".formatted(from, n)).status()).isEqualTo(201);
        }
        // Ben's last message is the only mail to the customer quoting message 7
        await().atMost(PATIENCE).until(() -> mailsOfCase(customer, reference).stream()
                .anyMatch(mail -> Mails.text(mail).contains("> message 7")));
        String text = mailsOfCase(customer, reference).stream().map(Mails::text)
                .filter(mail -> mail.contains("> message 7")).findFirst().orElseThrow();
        assertThat(text.split("message 8", -1)).as(text).hasSize(2);
        assertThat(text).as(text).doesNotContain("> message 8", "message 2", "message 1");
        List<Integer> quoted = List.of(7, 6, 5, 4, 3).stream().map(n -> text.indexOf("> message " + n)).toList();
        assertThat(quoted).as(text).doesNotContain(-1).isSorted();
    }

    @Test
    void aTextSubjectOrNameLongerThanACaseKeepsIsCutNotRefused() {
        String log = "2026-12-02 12:00:00 ERROR something failed at line 42 of the pasted log\n".repeat(17_000);
        String subject = "Crash report ".repeat(50);
        String name = "Pasted " + "Log ".repeat(70);
        Response opened = receive("""
                From: %s <pasted-log@example.org>
                To: %s
                Subject: %s
                Message-ID: <pasted-log-1@example.org>
                Content-Type: text/plain; charset=UTF-8

                """.formatted(name.strip(), MailServers.SUPPORT, subject.strip()) + log);
        assertThat(opened.status()).as(opened.text()).isEqualTo(201);
        JsonNode kase = api.get("/case/" + opened.at("/case")).json();
        assertThat(kase.get("subject").asString()).hasSize(500).startsWith("Crash report Crash report").endsWith("…");
        assertThat(kase.get("creator").get("name").asString()).startsWith("Pasted Log Log").hasSizeLessThanOrEqualTo(200);
        JsonNode message = kase.get("messages").get(0);
        assertThat(message.get("body").asString()).hasSize(1_000_000).startsWith("2026-12-02 12:00:00 ERROR")
                .endsWith("The whole text is attached as message.txt.]");
        JsonNode whole = message.get("attachments").get(0);
        assertThat(whole.get("filename").asString()).isEqualTo("message.txt");
        assertThat(api.get("/case/" + opened.at("/case") + "/attachments/" + whole.get("attachmentId").asString())
                .text()).isEqualTo(log.strip());
    }

    @Test
    void aSubjectOfAThousandReplyPrefixesOpensACaseWithWhatFollowsThem() {
        // taking them off overflowed the stack: a 500 here, and over IMAP a mail offered again for ever
        String prefixes = "Re: ".repeat(1000);
        Response opened = receive("""
                From: Many Replies <many-replies@example.org>
                To: %s
                Subject: %sPrinter on fire
                Message-ID: <many-replies-1@example.org>
                Content-Type: text/plain; charset=UTF-8

                It still burns.
                """.formatted(MailServers.SUPPORT, prefixes));
        assertThat(opened.status()).as(opened.text()).isEqualTo(201);
        assertThat(api.get("/case/" + opened.at("/case")).json().get("subject").asString()).isEqualTo("Printer on fire");

        Response json = api.post("/mail/inbound", """
                {"from": "many-replies@example.org", "subject": "%sToaster too", "message": "Smoke."}"""
                .formatted(prefixes));
        assertThat(json.status()).as(json.text()).isEqualTo(201);
        assertThat(api.get("/case/" + json.at("/case")).json().get("subject").asString()).isEqualTo("Toaster too");
    }

    @Test
    void mailSubmittedAsJsonIsStrictAndTakesTheSamePath() {
        Response opened = api.post("/mail/inbound", """
                {"from": "json@example.org", "subject": "Via the API", "message": "Hello from JSON"}""");
        assertThat(opened.status()).isEqualTo(201);
        assertThat(opened.at("/outcome")).isEqualTo("opened");
        String uuid = opened.at("/case");
        assertThat(api.get("/case/" + uuid).json().get("messages").get(0).get("source").asString()).isEqualTo("mail");
        String reference = api.get("/case/" + uuid).at("/reference");
        Response posted = api.post("/mail/inbound", """
                {"from": "json@example.org", "subject": "Re: [Casey %s] Via the API", "message": "More"}"""
                .formatted(reference));
        assertThat(posted.at("/outcome")).isEqualTo("posted");
        assertThat(posted.at("/case")).isEqualTo(uuid);

        CaseyServiceTests.assertProblem(api.post("/mail/inbound", "{\"from\": \"json@example.org\", \"subject\": \"s\"}"),
                400, "INVALID_REQUEST", "message");
        CaseyServiceTests.assertProblem(api.post("/mail/inbound",
                "{\"from\": \"json@example.org\", \"subject\": \"s\", \"message\": \"m\", \"cc\": \"x\"}"),
                400, "UNKNOWN_FIELD", "cc");
        CaseyServiceTests.assertProblem(api.post("/mail/inbound",
                "{\"from\": \"json@example.org\", \"subject\": 5, \"message\": \"m\"}"), 400, "WRONG_TYPE", "subject");
        CaseyServiceTests.assertProblem(api.post("/mail/inbound",
                "{\"from\": \"not-an-address\", \"subject\": \"s\", \"message\": \"m\"}"), 400, "INVALID_VALUE", "from");
        CaseyServiceTests.assertProblem(api.post("/mail/inbound", "message/rfc822",
                "no header block at all".getBytes(StandardCharsets.UTF_8)), 422, "UNPROCESSABLE_MAIL", null);
    }

    @Test
    void attachmentsAreKeptListedAndDownloadable() {
        MAIL.sendToSupport("""
                From: Files <files@example.org>
                To: %s
                Subject: See attached
                Message-ID: <files-1@example.org>
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="m1"

                --m1
                Content-Type: text/plain; charset=UTF-8

                The log is attached.
                --m1
                Content-Type: text/plain; name="server log.txt"
                Content-Disposition: attachment; filename*=UTF-8''server%%20l%%C3%%B6g.txt
                Content-Transfer-Encoding: base64

                bGluZSAxCmxpbmUgMgo=
                --m1
                Content-Type: application/octet-stream; name="empty.bin"
                Content-Disposition: attachment; filename="empty.bin"

                --m1--
                """.formatted(MailServers.SUPPORT));
        await().atMost(PATIENCE).until(() -> api.get("/cases?participant=files@example.org").json()
                .get("total").asLong() == 1);
        String uuid = api.get("/cases?participant=files@example.org").json().get("cases").get(0).get("uuid").asString();
        JsonNode attachment = api.get("/case/" + uuid).json().get("messages").get(0).get("attachments").get(0);
        assertThat(attachment.get("filename").asString()).isEqualTo("server lög.txt");
        assertThat(attachment.get("size").asLong()).isEqualTo(14);
        Response download = api.get("/case/" + uuid + "/attachments/" + attachment.get("attachmentId").asString());
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.text()).isEqualTo("line 1\nline 2\n");
        assertThat(api.get("/case/" + uuid + "/attachments/" + UUID.randomUUID()).status()).isEqualTo(404);

        // mail carries attachments and lists them: to the team the customer's file…
        String reference = api.get("/case/" + uuid).at("/reference");
        byte[] toBen = awaitMail("ben@team.test", reference, 1).get(0);
        assertThat(Mails.text(toBen).replace("\r\n", "\n"))
                .contains("Attached to this message:\n- server lög.txt (14 bytes)\n");
        assertThat(Mails.attachments(toBen)).containsOnlyKeys("server lög.txt", "empty.bin");
        assertThat(Mails.attachments(toBen).get("server lög.txt")).asString(StandardCharsets.UTF_8)
                .isEqualTo("line 1\nline 2\n");
        // …and to the customer of a team member's
        MAIL.sendToSupport("""
                From: Ben Foo <ben@team.test>
                To: %s
                Subject: Re: [Casey %s] See attached
                Message-ID: <ben-fix-1@team.test>
                In-Reply-To: <%s>
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="m2"

                --m2
                Content-Type: text/plain; charset=UTF-8

                Here is a fix.
                --m2
                Content-Type: text/x-diff; name="fix.patch"
                Content-Disposition: attachment; filename="fix.patch"
                Content-Transfer-Encoding: base64

                bGluZSAxCmxpbmUgMgo=
                --m2
                Content-Type: text/plain; name="trace.log"
                Content-Disposition: attachment; filename="trace.log"

                12:00 login as BEN@TEAM.TEST failed
                --m2
                Content-Type: application/pkcs7-signature; name="smime.p7s"
                Content-Disposition: attachment; filename="smime.p7s"
                Content-Transfer-Encoding: base64

                bGluZSAxCmxpbmUgMgo=
                --m2
                Content-Type: text/x-vcard; name="Ben Foo.vcf"
                Content-Disposition: attachment; filename="Ben Foo.vcf"

                BEGIN:VCARD
                VERSION:3.0
                FN:Ben Foo
                EMAIL:ben@team.test
                END:VCARD
                --m2--
                """.formatted(MailServers.SUPPORT, reference, messageId(toBen)));
        byte[] answer = awaitMail("files@example.org", reference, 2).get(1);
        assertThat(Mails.text(answer).replace("\r\n", "\n")).contains("Here is a fix.")
                .contains("Attached to this message:\n- fix.patch (14 bytes)\n- trace.log (")
                .contains("- smime.p7s (14 bytes, not in this e-mail: kept with the case)\n- Ben Foo.vcf (");
        // a team member's file naming a team address, their signature, contact card (or attached mail, or
        // invitation) would give their address away: only listed
        assertThat(Mails.attachments(answer)).containsOnlyKeys("fix.patch");
        assertThat(Mails.attachments(answer).get("fix.patch")).asString(StandardCharsets.UTF_8)
                .isEqualTo("line 1\nline 2\n");
        // the customer's acknowledgement does not send their own file back
        assertThat(Mails.attachments(awaitMail("files@example.org", reference, 2).get(0))).isEmpty();
        // what does not fit into mailSendAttachmentMaxBytes with the attachments before it is only listed
        api.post("/config", "[{\"mailSendAttachmentMaxBytes\": 20}]");
        MAIL.sendToSupport("""
                From: Files <files@example.org>
                To: %s
                Subject: Re: [Casey %s] See attached
                Message-ID: <files-2@example.org>
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="m3"

                --m3
                Content-Type: text/plain; charset=UTF-8

                Two more.
                --m3
                Content-Type: application/octet-stream; name="first.bin"
                Content-Disposition: attachment; filename="first.bin"
                Content-Transfer-Encoding: base64

                bGluZSAxCmxpbmUgMgo=
                --m3
                Content-Type: application/octet-stream; name="second.bin"
                Content-Disposition: attachment; filename="second.bin"
                Content-Transfer-Encoding: base64

                bGluZSAxCmxpbmUgMgo=
                --m3--
                """.formatted(MailServers.SUPPORT, reference));
        byte[] twoMore = awaitMail("ben@team.test", reference, 2).get(1);
        assertThat(Mails.text(twoMore).replace("\r\n", "\n")).contains("Attached to this message:\n"
                + "- first.bin (14 bytes)\n- second.bin (14 bytes, not in this e-mail: kept with the case)\n");
        assertThat(Mails.attachments(twoMore)).containsOnlyKeys("first.bin");
    }

    @Test
    void aTeamMembersAttachmentsThatMayShowTheirAddressAreOnlyListedToCustomers() throws IOException {
        String customer = "unseen@example.org";
        Response created = api.openCase("Una Seen", customer, "Send me the report", "Please.");
        String reference = created.at("/reference");
        byte[] toBen = awaitMail("ben@team.test", reference, 1).get(0);
        // a report whose properties name its author: deflated in the .docx, no byte of the address is there as such
        ByteArrayOutputStream docx = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(docx)) {
            zip.putNextEntry(new ZipEntry("docProps/core.xml"));
            zip.write("<dc:creator>ben@team.test</dc:creator>".getBytes(StandardCharsets.UTF_8));
        }
        byte[] utf16 = "\uFEFFAsk Ben@team.test".getBytes(StandardCharsets.UTF_16LE);
        Base64.Encoder base64 = Base64.getMimeEncoder(76, new byte[] {'\n'});
        MAIL.sendToSupport("""
                From: Ben Foo <ben@team.test>
                To: %s
                Subject: Re: [Casey %s] Send me the report
                Message-ID: <ben-report-1@team.test>
                In-Reply-To: <%s>
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="m4"

                --m4
                Content-Type: text/plain; charset=UTF-8

                Here it is. Write to "ben"@team.test if it does not open.
                --m4
                Content-Type: text/plain; name="note.txt"
                Content-Disposition: attachment; filename="note.txt"

                Reach me: Ben@Team.test
                --m4
                Content-Type: text/plain; charset=UTF-16; name="wide.txt"
                Content-Disposition: attachment; filename="wide.txt"
                Content-Transfer-Encoding: base64

                %s
                --m4
                Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document; name="report.docx"
                Content-Disposition: attachment; filename="report.docx"
                Content-Transfer-Encoding: base64

                %s
                --m4
                Content-Type: text/x-diff; name="fix.patch"
                Content-Disposition: attachment; filename="fix.patch"
                Content-Transfer-Encoding: base64

                bGluZSAxCmxpbmUgMgo=
                --m4--
                """.formatted(MailServers.SUPPORT, reference, messageId(toBen), base64.encodeToString(utf16),
                base64.encodeToString(docx.toByteArray())));
        byte[] answer = awaitMail(customer, reference, 2).get(1);
        String text = Mails.text(answer).replace("\r\n", "\n");
        // the address in any case, in UTF-16, or packed where it cannot be looked for: only listed
        assertThat(text).contains("Write to " + MailServers.SUPPORT + " if it does not open.")
                .containsPattern("- note.txt \\(\\d+ bytes, not in this e-mail: kept with the case\\)\n")
                .contains("- wide.txt (%d bytes, not in this e-mail: kept with the case)\n".formatted(utf16.length))
                .contains("- report.docx (%d bytes, not in this e-mail: kept with the case)\n".formatted(docx.size()))
                .contains("- fix.patch (14 bytes)\n");
        assertThat(Mails.attachments(answer)).containsOnlyKeys("fix.patch");
        assertThat(Mails.everything(answer)).doesNotContainIgnoringCase("team.test");
        // the team gets them all
        byte[] toAnna = awaitMail("anna@team.test", reference, 2).get(1);
        assertThat(Mails.attachments(toAnna)).containsOnlyKeys("note.txt", "wide.txt", "report.docx", "fix.patch");
        assertThat(Mails.attachments(toAnna).get("report.docx")).isEqualTo(docx.toByteArray());
        assertThat(Mails.attachments(toAnna).get("wide.txt")).isEqualTo(utf16);
    }

    @Test
    void anAttachmentIsSearchedPartByPartAndAnAddressAcrossTwoPartsIsFound() {
        UUID caseId = UUID.randomUUID();
        byte[] address = "Ben@Team.test".getBytes(StandardCharsets.UTF_16LE);
        byte[] log = new byte[3 * 1024 * 1024];
        Arrays.fill(log, (byte) '.');
        System.arraycopy(address, 0, log, 1024 * 1024 - 7, address.length);
        UUID across = UUID.randomUUID();
        UUID clean = UUID.randomUUID();
        for (UUID id : List.of(across, clean)) {
            jdbc.update("INSERT INTO mail_attachment (id, case_id, filename, content_type, size, content)"
                    + " VALUES (?, ?, 'log.txt', 'text/plain', ?, ?)", id, caseId, log.length,
                    id == across ? log : new byte[log.length]);
        }
        assertThat(directory.attachmentsMayShow(caseId, List.of(across, clean), List.of("ben@team.test")))
                .containsOnly(across);
    }

    @AfterEach
    void defaults() {
        api.post("/config", "[{\"mailEnable\": null}, {\"caseConfirmation\": null}, {\"caseConfirmUrl\": null}, "
                + "{\"caseSendCopy\": null}, {\"mailRateLimit\": null}, {\"mailPlusAddressing\": null}, "
                + "{\"teamInviteCount\": null}, {\"teamInviteReminder\": null}, {\"caseCanReopen\": null}, "
                + "{\"mailSupportName\": null}, {\"mailSendAttachmentMaxBytes\": null}, "
                + "{\"mailFormSenders\": null}, {\"mailMaxBytes\": null}, {\"mailCaseRateLimit\": null}, {\"mailAuthservId\": null}]");
    }

    @Test
    void invitedMembersWhoDoNotAnswerAreRemindedOnceAndTheNextOneInvited() {
        api.post("/config", "[{\"teamInviteCount\": 1}, {\"teamInviteReminder\": \"2s\"}]");
        Response created = api.openCase("Unanswered", "unanswered@example.org", "Nobody answers", "hello?");
        String uuid = created.at("/uuid");
        String reference = created.at("/reference");
        await().atMost(PATIENCE).until(() -> api.get("/case/" + uuid + "/history").text().contains("TeamRemindedEvent")
                && api.get("/case/" + uuid).json().get("invited").size() == 2);
        JsonNode invited = api.get("/case/" + uuid).json().get("invited");
        String first = invited.get(0).get("email").asString();
        String second = invited.get(1).get("email").asString();
        assertThat(List.of(first, second)).containsExactlyInAnyOrder("ben@team.test", "anna@team.test");
        // the first is reminded once; the second, invited later, is reminded when their turn is over
        List<byte[]> toFirst = awaitMail(first, reference, 2);
        assertThat(Mails.text(toFirst.get(1))).contains("nobody has answered case " + reference);
        awaitMail(second, reference, 2);
        await().pollDelay(Duration.ofSeconds(3)).atMost(PATIENCE).until(() -> true);
        assertThat(mailsOfCase(first, reference)).hasSize(2);
        assertThat(mailsOfCase(second, reference)).hasSize(2);

        // once someone from the team answers, reminders stop
        Response quiet = api.openCase("Answered", "answered@example.org", "Answered soon", "hello?");
        String answeredUuid = quiet.at("/uuid");
        String invitee = api.get("/case/" + answeredUuid).json().get("invited").get(0).get("email").asString();
        api.post("/case/" + answeredUuid + "/messages", "{\"from\": \"" + invitee + "\", \"message\": \"On it\"}");
        await().pollDelay(Duration.ofSeconds(4)).atMost(PATIENCE).until(() -> true);
        assertThat(api.get("/case/" + answeredUuid + "/history").text()).doesNotContain("TeamRemindedEvent");
        assertThat(jdbc.queryForObject("SELECT role FROM mail_participant WHERE case_id = ?::uuid AND email_key = ?",
                String.class, answeredUuid, invitee)).as("the invitation became participation").isEqualTo("participant");
    }

    @Test
    void aReminderReachesATeamMemberAtTheAddressTheyChangedToSinceTheInvitation() {
        String finn = api.person("Finn Moved", "finn@team.test", true);
        try {
            api.post("/config", "[{\"teamInviteCount\": 0}, {\"teamInviteReminder\": \"3s\"}]");
            String reference = api.openCase("Moving", "moving@example.org", "Who moved", "hello?").at("/reference");
            // at once: the invitation is part of the opening, and the reminder is due in 3 s, however slow the mail
            assertThat(api.patch("/persons/" + finn, "{\"email\": \"finn.new@team.test\"}").status()).isEqualTo(200);
            awaitMail("finn@team.test", reference, 1);
            await().atMost(PATIENCE).until(() -> mailsOfCase("finn.new@team.test", reference).stream()
                    .anyMatch(mail -> Mails.text(mail).contains("nobody has answered case " + reference)));
            assertThat(mailsOfCase("finn@team.test", reference)).as("nothing more to the address given up").hasSize(1);
            await().pollDelay(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> true);
            assertThat(mailsOfCase("finn.new@team.test", reference)).as("invited once, under either address")
                    .noneMatch(mail -> Mails.text(mail).contains("opened case " + reference));
        } finally {
            api.post("/persons/" + finn + "/retire");
        }
    }

    @Test
    void aTeamMemberWritingFromAFormerAddressIsTheAuthorThere() {
        String ida = api.person("Ida Moved", "ida@team.test", true);
        try {
            Response opened = api.openCase("Ida Customer", "ida-customer@example.org", "Files please", "the fix?");
            String reference = opened.at("/reference");
            byte[] invitation = awaitMail("ida@team.test", reference, 1).get(0);
            api.post("/case/" + opened.at("/uuid") + "/messages", "{\"from\": \"ida@team.test\", \"message\": \"On it\"}");
            assertThat(api.patch("/persons/" + ida, "{\"email\": \"ida.new@team.test\"}").status()).isEqualTo(200);
            String answer = """
                    From: Ida Moved <ida@team.test>
                    To: %s
                    Subject: Re: [Casey %s] Files please
                    Message-ID: <%s@team.test>
                    In-Reply-To: <%s>
                    MIME-Version: 1.0
                    Content-Type: multipart/mixed; boundary="i1"

                    --i1
                    Content-Type: text/plain; charset=UTF-8

                    Here is the fix.
                    --i1
                    Content-Type: application/octet-stream; name="fix.bin"
                    Content-Disposition: attachment; filename="fix.bin"
                    Content-Transfer-Encoding: base64

                    bGluZSAxCmxpbmUgMgo=
                    --i1--
                    """;
            assertThat(receive(answer.formatted(MailServers.SUPPORT, reference, "ida-1", messageId(invitation)))
                    .at("/outcome")).isEqualTo("posted");
            assertThat(Mails.attachments(awaitMail("ida-customer@example.org", reference, 3).get(2)))
                    .containsOnlyKeys("fix.bin");
            // no copy of her own message (caseSendCopy is off) at the address she has now…
            await().pollDelay(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> true);
            assertThat(mailsOfCase("ida.new@team.test", reference)).isEmpty();
            // …and with copies on, one without her own attachment
            api.post("/config", "[{\"caseSendCopy\": true}]");
            receive(answer.formatted(MailServers.SUPPORT, reference, "ida-2", messageId(invitation)));
            byte[] copy = awaitMail("ida.new@team.test", reference, 1).get(0);
            assertThat(Mails.text(copy)).contains("Here is the fix.").contains("fix.bin (14 bytes, not in this e-mail");
            assertThat(Mails.attachments(copy)).isEmpty();
        } finally {
            api.post("/persons/" + ida + "/retire");
        }
    }

    @Test
    void invitedMembersWhoRetireOrLeaveTheTeamAreNotReminded() {
        String gus = api.person("Gus Retiring", "gus@team.test", true);
        String hana = api.person("Hana Leaving", "hana@team.test", true);
        api.post("/config", "[{\"teamInviteCount\": 0}, {\"teamInviteReminder\": \"3s\"}]");
        Response created = api.openCase("Left", "left@example.org", "Who left", "hello?");
        String reference = created.at("/reference");
        awaitMail("gus@team.test", reference, 1);
        awaitMail("hana@team.test", reference, 1);
        assertThat(api.post("/persons/" + gus + "/retire").status()).isEqualTo(200);
        assertThat(api.patch("/persons/" + hana, "{\"team\": false}").status()).isEqualTo(200);
        // Ben stays in the team: once he has his reminder, everyone's is written
        await().atMost(PATIENCE).until(() -> mailsOfCase("ben@team.test", reference).stream()
                .anyMatch(mail -> Mails.text(mail).contains("nobody has answered case " + reference)));
        await().pollDelay(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> true);
        assertThat(mailsOfCase("gus@team.test", reference)).hasSize(1);
        assertThat(mailsOfCase("hana@team.test", reference)).hasSize(1);
        assertThat(jdbc.queryForList("""
                SELECT convert_from(payload, 'UTF8') FROM domainevententry
                 WHERE aggregateidentifier = ? AND payloadtype LIKE '%TeamRemindedEvent'""", String.class,
                created.at("/uuid"))).singleElement().asString().contains("ben@team.test")
                .doesNotContain("gus@team.test", "hana@team.test");
    }

    @Test
    void aMailToAClosedCaseThatMayNotReopenIsKeptAndAnsweredPolitelyOnceADay() {
        api.post("/config", "[{\"caseCanReopen\": false}]");
        Response created = api.openCase("Late", "late@example.org", "Closed for good", "first");
        String uuid = created.at("/uuid");
        String reference = created.at("/reference");
        byte[] first = awaitMail("late@example.org", reference, 1).get(0);
        api.post("/case/" + uuid + "/close");
        for (int i = 1; i <= 2; i++) {
            MAIL.sendToSupport("""
                    From: Late <late@example.org>
                    To: %s
                    Subject: Re: [Casey %s] Closed for good
                    Message-ID: <late-%d@example.org>
                    In-Reply-To: <%s>
                    Content-Type: text/plain; charset=UTF-8

                    One more thing (%d).
                    """.formatted(MailServers.SUPPORT, reference, i, messageId(first), i));
        }
        await().atMost(PATIENCE).until(() -> api.get("/case/" + uuid + "/history").text()
                .split("MessageRefusedEvent", -1).length == 3);
        List<byte[]> toLate = awaitMail("late@example.org", reference, 2);
        assertThat(Mails.text(toLate.get(1))).contains("closed");
        assertThat(Mails.header(toLate.get(1), "Auto-Submitted")).isEqualTo("auto-replied");
        await().pollDelay(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> true);
        assertThat(mailsOfCase("late@example.org", reference)).hasSize(2);
        String history = api.get("/case/" + uuid + "/history").text();
        assertThat(history).contains("One more thing (2)", "the author was told today already that this case is closed");
        assertThat(api.get("/case/" + uuid).at("/status")).isEqualTo("closed");
        assertThat(api.get("/case/" + uuid).json().get("messages")).hasSize(1);
    }

    @Test
    void whenSmtpIsDownMailsWaitAndGoOutOnceItIsBack() {
        Response created = api.openCase("Patient", "patient@example.org", "SMTP outage", "first");
        String reference = created.at("/reference");
        awaitMail("patient@example.org", reference, 1);
        awaitMail("ben@team.test", reference, 1);
        MAIL.stopOutside();
        try {
            for (int i = 1; i <= 3; i++) {
                assertThat(api.post("/case/" + created.at("/uuid") + "/messages",
                        "{\"from\": \"ben@team.test\", \"message\": \"answer " + i + "\"}").status()).isEqualTo(201);
            }
            await().atMost(PATIENCE).until(() -> api.get("/mail/outbox").json().get("mails").toString()
                    .contains(reference));
        } finally {
            MAIL.startOutside();
        }
        List<byte[]> answers = awaitMail("patient@example.org", reference, 3);
        await().pollDelay(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> true);
        assertThat(mailsOfCase("patient@example.org", reference)).hasSize(3);
        assertThat(answers).extracting(Mails::text).allSatisfy(text -> assertThat(text).containsPattern("answer [123]"));
        assertThat(api.get("/mail/outbox").json().get("mails").toString()).doesNotContain(reference);
    }

    @Test
    void aRecipientRefusedForGoodIsRecordedInTheCaseHistory() throws Exception {
        // the record of a failure is a command of its own, with its own transaction that commits: run from the
        // delivery transaction's afterCommit it would join the finished transaction, where nothing commits it
        AtomicInteger failuresRecorded = new AtomicInteger();
        AtomicInteger failuresCommitted = new AtomicInteger();
        Registration watch = commandBus.registerHandlerInterceptor((unitOfWork, chain) -> {
            if (unitOfWork.getMessage().getPayload() instanceof RecordMailDeliveryFailureCommand) {
                failuresRecorded.incrementAndGet();
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        failuresCommitted.incrementAndGet();
                    }
                });
            }
            return chain.proceed();
        });
        ScriptedSmtpServer refusing = ScriptedSmtpServer.refusingEveryRecipient();
        try {
            sendingTo(refusing, () -> {
                Response created = api.openCase("Dead End", "dead@example.org", "Nobody home", "hello?");
                String uuid = created.at("/uuid");
                await().atMost(PATIENCE).until(() -> api.get("/case/" + uuid + "/history").text()
                        .contains("MailDeliveryFailedEvent"));
                assertThat(api.get("/case/" + uuid + "/history").text()).contains("550 5.1.1");
                assertThat(api.get("/mail/outbox").json().get("mails").toString())
                        .doesNotContain(created.at("/reference"));
                // the case tells how each recipient's mail of its message fared
                JsonNode deliveries = api.get("/case/" + uuid).json().get("messages").get(0).get("deliveries");
                assertThat(deliveries).hasSize(3);
                for (JsonNode delivery : deliveries) {
                    assertThat(delivery.get("state").asString()).as(delivery.toString()).isEqualTo("failed");
                    assertThat(delivery.get("error").asString()).contains("550 5.1.1");
                    assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
                }
                assertThat(deliveries.findValuesAsString("to"))
                        .containsExactlyInAnyOrder("dead@example.org", "ben@team.test", "anna@team.test");
                assertThat(api.post("/case/" + uuid + "/close").json().get("messages").get(0).get("deliveries"))
                        .as("the answer of a change shows the case as GET does").isEqualTo(deliveries);
            });
        } finally {
            watch.cancel();
        }
        assertThat(failuresRecorded.get()).isPositive();
        assertThat(failuresCommitted.get()).as("failure records committed by their own transaction")
                .isEqualTo(failuresRecorded.get());
    }

    @Test
    void aMailTooLargeForTheSmtpServerGoesListingItsAttachments() throws Exception {
        byte[] file = new byte[300_000];
        new java.util.Random(5).nextBytes(file);
        sendingTo(ScriptedSmtpServer.acceptingUpTo(200_000), () -> {
            Response opened = receive("""
                    From: Big File <big-file@example.org>
                    To: %s
                    Subject: A large screenshot
                    Message-ID: <big-file-1@example.org>
                    MIME-Version: 1.0
                    Content-Type: multipart/mixed; boundary="b1"

                    --b1
                    Content-Type: text/plain; charset=UTF-8

                    Too large for your server.
                    --b1
                    Content-Type: image/png; name="screen.png"
                    Content-Disposition: attachment; filename="screen.png"
                    Content-Transfer-Encoding: base64

                    %s
                    --b1--
                    """.formatted(MailServers.SUPPORT, java.util.Base64.getMimeEncoder().encodeToString(file)
                    .replace("\r\n", "\n")));
            String uuid = opened.at("/case");
            await().atMost(PATIENCE).until(() -> api.get("/case/" + uuid).json().get("messages").get(0)
                    .get("deliveries").findValuesAsString("state").stream().allMatch("sent"::equals));
            assertThat(jdbc.queryForList("SELECT convert_from(raw, 'SQL_ASCII') FROM mail_outbox WHERE case_id = ?::uuid"
                    + " AND recipient LIKE '%@team.test'", String.class, uuid)).hasSize(2).allSatisfy(raw -> assertThat(raw)
                    .contains("screen.png (293.0 KiB, not in this e-mail: kept with the case)")
                    .doesNotContain("X-Casey-Attachment-Content"));
        });
    }

    @Test
    void severalWorkersDeliverSideBySide() throws Exception {
        // takes a mail only while another is being sent over another connection: one worker alone never gets past
        ScriptedSmtpServer server = ScriptedSmtpServer.acceptingTwoAtOnce();
        sendingTo(server, () -> {
            api.openCase("Side By Side", "side@example.org", "Two at once", "creator, Ben and Anna get a mail");
            await().atMost(PATIENCE).until(() -> server.accepted() >= 3);
            assertThat(server.mostAtOnce()).isGreaterThanOrEqualTo(2);
        });
    }

    @Test
    void aBusyWorkerSendsMailAfterMailOverItsConnectionWithoutCheckingItEachTime() throws Exception {
        ScriptedSmtpServer server = ScriptedSmtpServer.accepting();
        sendingTo(server, () -> {
            for (int i = 1; i <= 3; i++) { // three mails each: more mails than delivery workers
                api.openCase("Busy " + i, "busy" + i + "@example.org", "Busy " + i, "creator, Ben and Anna");
            }
            await().atMost(PATIENCE).until(() -> server.accepted() >= 9);
            assertThat(server.connections()).as("one connection per worker, kept").isLessThanOrEqualTo(4);
            assertThat(server.checks()).as("no NOOP before each mail").isZero();
        });
    }

    @Test
    void aKeptConnectionTheServerDroppedIsReplacedAndTheMailGoesOutAtOnce() throws Exception {
        ScriptedSmtpServer server = ScriptedSmtpServer.hangingUpAfterEachMail();
        sendingTo(server, () -> {
            List<String> cases = new java.util.ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                cases.add(api.openCase("Dropped " + i, "dropped" + i + "@example.org", "Dropped " + i,
                        "creator, Ben and Anna").at("/uuid"));
            }
            await().atMost(PATIENCE).until(() -> server.accepted() >= 9);
            assertThat(server.connections()).as("a new connection for every mail").isGreaterThanOrEqualTo(9);
            assertThat(jdbc.queryForList("SELECT state || ' ' || attempts FROM mail_outbox WHERE case_id::text IN "
                    + "(?, ?, ?)", String.class, cases.toArray()))
                    .as("sent at the first attempt, none put off for later").hasSize(9).containsOnly("SENT 1");
        });
    }

    @Test
    void withMailSendingOffMailsWaitForAnExternalRelay() {
        api.post("/config", "[{\"mailEnable\": false}]");
        Response created = api.openCase("Relayed", "relayed@example.org", "Relay me", "via the relay");
        String reference = created.at("/reference");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM mail_outbox WHERE recipient = 'relayed@example.org' "
                + "AND raw IS NULL AND draft IS NOT NULL", Integer.class)).as("queued as a draft").isEqualTo(1);
        // composed after the sender's name changed, yet as it was queued
        api.post("/config", "[{\"mailSupportName\": \"Other Desk\"}]");
        JsonNode pending = pendingTo("relayed@example.org");
        assertThat(pending).isNotNull();
        assertThat(pending.get("subject").asString()).isEqualTo("[Casey " + reference + "] Relay me");
        assertThat(pending.get("body").asString()).contains("via the relay");
        byte[] raw = java.util.Base64.getDecoder().decode(pending.get("raw").asString());
        assertThat(Mails.header(raw, "Message-ID")).contains("@casey.test");
        assertThat(Mails.header(raw, "From")).doesNotContain("Other Desk");
        assertThat(jdbc.queryForObject("SELECT raw FROM mail_outbox WHERE id = ?::uuid", byte[].class,
                pending.get("id").asString())).as("composed once and kept").isEqualTo(raw);
        assertThat(pendingTo("relayed@example.org").get("raw").asString()).isEqualTo(pending.get("raw").asString());
        api.openCase("Relayed Later", "later@example.org", "Relay me too", "after the change");
        assertThat(Mails.header(java.util.Base64.getDecoder().decode(pendingTo("later@example.org").get("raw")
                .asString()), "From")).contains("Other Desk");
        String id = pending.get("id").asString();
        assertThat(api.post("/mail/outbox/" + id + "/sent").at("/state")).isEqualTo("relayed");
        assertThat(api.get("/mail/outbox").text()).doesNotContain(id);
        CaseyServiceTests.assertProblem(api.post("/mail/outbox/" + UUID.randomUUID() + "/sent"), 404, "MAIL_NOT_FOUND",
                null);
        await().pollDelay(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> true);
        assertThat(MAIL.receivedBy("relayed@example.org")).isEmpty();
    }

    @Test
    void aWebFormsMailIsFromItsVisitorAndAlwaysOpensACaseOfItsOwn() {
        api.post("/config", "[{\"mailFormSenders\": [\"forms@website.test\"]}]");
        Response theirs = api.openCase("Victor", "victor@example.org", "My case", "mine");
        String form = """
                From: "Website" <forms@website.test>
                Reply-To: %s
                To: %s
                Subject: %s
                Message-ID: <%s@website.test>

                Sent with the contact form.
                """;
        Response visitor = receive(form.formatted("\"Vera Visitor\" <vera@example.org>", MailServers.SUPPORT,
                "Contact form: printer on fire", "form-1"));
        assertThat(visitor.at("/outcome")).isEqualTo("opened");
        JsonNode vera = api.get("/case/" + visitor.at("/case")).json();
        assertThat(vera.get("creator").get("email").asString()).isEqualTo("vera@example.org");
        assertThat(vera.get("creator").get("name").asString()).isEqualTo("Vera Visitor");
        assertThat(Mails.text(awaitMail("vera@example.org", vera.get("reference").asString(), 1).get(0)))
                .contains("Sent with the contact form.");
        // an address typed into a form proves nothing: naming someone's case does not put words into it
        Response posing = receive(form.formatted("victor@example.org", MailServers.SUPPORT,
                "Re: [Casey " + theirs.at("/reference") + "] My case", "form-2"));
        assertThat(posing.at("/outcome")).isEqualTo("opened");
        assertThat(posing.at("/case")).isNotEqualTo(theirs.at("/uuid"));
        assertThat(api.get("/case/" + theirs.at("/uuid")).json().get("messages")).hasSize(1);
        // without a Reply-To the mail is the form's own
        Response own = receive(form.replace("Reply-To: %s\n", "").formatted(MailServers.SUPPORT, "No reply address",
                "form-3"));
        assertThat(api.get("/case/" + own.at("/case")).json().get("creator").get("email").asString())
                .isEqualTo("forms@website.test");
    }

    @Test
    void aRelayGetsTheAttachmentsAMailCarriesWhichTheOutboxKeepsOnlyOnce() {
        api.post("/config", "[{\"mailEnable\": false}]");
        assertThat(receive("""
                From: Relayed Files <relayed-files@example.org>
                To: %s
                Subject: A file for the relay
                Message-ID: <relayed-files-1@example.org>
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="r1"

                --r1
                Content-Type: text/plain; charset=UTF-8

                See the screenshot.
                --r1
                Content-Type: image/png; name="screen.png"
                Content-Disposition: attachment; filename="screen.png"
                Content-Transfer-Encoding: base64

                iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==
                --r1--
                """.formatted(MailServers.SUPPORT)).status()).isEqualTo(201);
        JsonNode toBen = pendingTo("ben@team.test");
        byte[] raw = java.util.Base64.getDecoder().decode(toBen.get("raw").asString());
        assertThat(Mails.attachments(raw).get("screen.png")).startsWith(0x89, 'P', 'N', 'G').hasSize(70);
        assertThat(new String(jdbc.queryForObject("SELECT raw FROM mail_outbox WHERE id = ?::uuid", byte[].class,
                toBen.get("id").asString()), StandardCharsets.US_ASCII)).as("kept without the content")
                .contains("filename=screen.png").doesNotContain("iVBORw0KGgo");
    }

    private JsonNode pendingTo(String recipient) {
        JsonNode pending = null;
        for (JsonNode mail : api.get("/mail/outbox?limit=1000").json().get("mails")) {
            if (mail.get("to").asString().equals(recipient)) {
                pending = mail;
            }
        }
        return pending;
    }

    @Test
    void aQueuedMailThatCannotBeComposedFailsAloneAndIsRecordedInTheCaseHistory() {
        Response created = api.openCase("Broken Draft", "broken@example.org", "Draft gone bad", "first");
        String uuid = created.at("/uuid");
        String reference = created.at("/reference");
        awaitMail("broken@example.org", reference, 1);
        // due before anything else, and its draft is not a mail
        jdbc.update("""
                INSERT INTO mail_outbox (id, case_id, kind, recipient, recipient_key, recipient_name, message_id, draft,
                                         state, next_attempt_at, created_at)
                VALUES (?, ?::uuid, 'MESSAGE', 'broken@example.org', 'broken@example.org', 'Broken Draft',
                        'casey.broken@casey.test', '{"sender": null, "mail": null}', 'QUEUED',
                        now() - interval '1 hour', now())""", UUID.randomUUID(), uuid);
        api.post("/case/" + uuid + "/messages", "{\"from\": \"ben@team.test\", \"message\": \"still here\"}");

        assertThat(Mails.text(awaitMail("broken@example.org", reference, 2).get(1))).contains("still here");
        await().atMost(PATIENCE).until(() -> api.get("/case/" + uuid + "/history").text()
                .contains("MailDeliveryFailedEvent"));
        assertThat(api.get("/case/" + uuid + "/history").text()).contains("cannot compose mail casey.broken@casey.test");
        assertThat(jdbc.queryForObject("SELECT state FROM mail_outbox WHERE message_id = 'casey.broken@casey.test'",
                String.class)).isEqualTo("FAILED");
    }

    @Test
    void withConfirmationTheCreatorConfirmsBeforeTheTeamHearsOfTheCase() {
        api.post("/config", "[{\"caseConfirmation\": true}, "
                + "{\"caseConfirmUrl\": \"https://support.example.com/confirm/%code%\"}]");
        Response created = api.openCase("Careful", "careful@example.org", "Please confirm", "check me first");
        String reference = created.at("/reference");
        assertThat(created.at("/status")).isEqualTo("pending");
        byte[] confirmation = awaitMail("careful@example.org", reference, 1).get(0);
        assertThat(Mails.header(confirmation, "Auto-Submitted")).isEqualTo("auto-generated");
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("https://support\\.example\\.com/confirm/([\\w-]+)")
                .matcher(Mails.text(confirmation));
        assertThat(link.find()).isTrue();
        await().pollDelay(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> true);
        assertThat(mailsOfCase("ben@team.test", reference)).isEmpty();
        // a mail to the pending case (not the answer to the confirmation mail) is kept in its history, as refused
        Response early = receive("""
                From: Careful <careful@example.org>
                To: %s
                Subject: Re: [Casey %s] Please confirm
                Message-ID: <careful-early@example.org>

                Any news?
                """.formatted(MailServers.SUPPORT, reference));
        assertThat(early.at("/outcome")).isEqualTo("refused");
        assertThat(early.at("/case")).isEqualTo(created.at("/uuid"));
        assertThat(api.get("/case/" + created.at("/uuid") + "/history").text()).contains("MessageRefusedEvent")
                .contains("Any news?").contains("awaits its creator's confirmation");

        assertThat(api.post("/confirm/" + link.group(1)).at("/status")).isEqualTo("open");
        awaitMail("ben@team.test", reference, 1);
        awaitMail("anna@team.test", reference, 1);
        byte[] received = awaitMail("careful@example.org", reference, 2).get(1);
        assertThat(Mails.text(received)).contains("check me first");
        assertThat(Mails.header(received, "Auto-Submitted")).isEqualTo("auto-generated");
    }

    @Test
    void theAcknowledgementOfACaseOpenedByMailAnswersThatMail_evenOnceConfirmed() {
        Response opened = receive("""
                From: Mailed In <mailed-in@example.org>
                To: %s
                Subject: The printer
                Message-ID: <mailed-in-1@example.org>
                Content-Type: text/plain; charset=UTF-8

                The printer jams.
                """.formatted(MailServers.SUPPORT));
        String reference = api.get("/case/" + opened.at("/case")).at("/reference");
        byte[] received = awaitMail("mailed-in@example.org", reference, 1).get(0);
        assertThat(Mails.text(received)).contains("The printer jams.");
        assertThat(Mails.header(received, "Auto-Submitted")).isEqualTo("auto-replied");

        // confirmed by a reply: still the answer to the mail that opened it
        api.post("/config", "[{\"caseConfirmation\": true}]");
        Response pending = receive("""
                From: Mailed Pending <mailed-pending@example.org>
                To: %s
                Subject: The fax
                Message-ID: <mailed-pending-1@example.org>
                Content-Type: text/plain; charset=UTF-8

                The fax jams.
                """.formatted(MailServers.SUPPORT));
        String pendingReference = api.get("/case/" + pending.at("/case")).at("/reference");
        byte[] confirmation = awaitMail("mailed-pending@example.org", pendingReference, 1).get(0);
        assertThat(Mails.header(confirmation, "Auto-Submitted")).isEqualTo("auto-generated");
        assertThat(receive("""
                From: Mailed Pending <mailed-pending@example.org>
                To: %s
                Subject: Re: %s
                Message-ID: <mailed-pending-2@example.org>
                In-Reply-To: <%s>
                Content-Type: text/plain; charset=UTF-8

                Yes, that was me.
                """.formatted(MailServers.SUPPORT, Mails.header(confirmation, "Subject"), messageId(confirmation)))
                .at("/outcome")).isEqualTo("posted");
        byte[] acknowledged = awaitMail("mailed-pending@example.org", pendingReference, 2).get(1);
        assertThat(Mails.text(acknowledged)).contains("The fax jams.");
        assertThat(Mails.header(acknowledged, "Auto-Submitted")).isEqualTo("auto-replied");
    }

    @Test
    void aReplyToTheConfirmationMailConfirmsTheCaseAndIsPosted() {
        api.post("/config", "[{\"caseConfirmation\": true}]");
        Response created = api.openCase("Replier", "replier@example.org", "Please confirm", "check me first");
        String reference = created.at("/reference");
        byte[] confirmation = awaitMail("replier@example.org", reference, 1).get(0);
        Response reply = receive("""
                From: Replier <replier@example.org>
                To: %s
                Subject: Re: %s
                Message-ID: <replier-1@example.org>
                In-Reply-To: <%s>
                Content-Type: text/plain; charset=UTF-8

                Yes, that was me. One more detail: it happens on Mondays.
                """.formatted(MailServers.SUPPORT, Mails.header(confirmation, "Subject"), messageId(confirmation)));
        assertThat(reply.at("/outcome")).isEqualTo("posted");
        JsonNode kase = api.get("/case/" + created.at("/uuid")).json();
        assertThat(kase.get("status").asString()).isEqualTo("open");
        assertThat(kase.get("messages")).hasSize(2);
        assertThat(kase.get("messages").get(1).get("body").asString()).startsWith("Yes, that was me.");
        awaitMail("ben@team.test", reference, 1);
    }

    @Test
    void ourMessageIdOrPlusAddressSpeaksForTheRecipientFromAnotherAddress() {
        api.post("/config", "[{\"mailPlusAddressing\": true}]");
        Response created = api.openCase("Two Addresses", "work@example.org", "Two addresses", "from work");
        String uuid = created.at("/uuid");
        String reference = created.at("/reference");
        byte[] received = awaitMail("work@example.org", reference, 1).get(0);
        String replyTo = Mails.header(received, "Reply-To");
        assertThat(replyTo).matches("support\\+[a-z2-7]{26}@casey\\.test");

        MAIL.sendToSupport("""
                From: Me At Home <me@home.example.net>
                To: %s
                Subject: Re: something else entirely
                Message-ID: <home-1@home.example.net>
                In-Reply-To: <%s>
                Content-Type: text/plain; charset=UTF-8

                Writing from home.
                """.formatted(MailServers.SUPPORT, messageId(received)));
        JsonNode messages = awaitMessages(uuid, 2);
        assertThat(messages.get(1).get("author").get("email").asString()).isEqualTo("work@example.org");

        Response viaPlus = receive("""
                From: Me Mobile <me@mobile.example.net>
                To: %s
                Subject: no reference here
                Message-ID: <mobile-1@mobile.example.net>
                Content-Type: text/plain; charset=UTF-8

                Writing from the phone.
                """.formatted(replyTo));
        assertThat(viaPlus.at("/outcome")).isEqualTo("posted");
        assertThat(viaPlus.at("/case")).isEqualTo(uuid);
    }

    @Test
    void thePosterGetsACopyOnlyWhenCopiesAreOn() {
        Response created = api.openCase("Copy", "copy@example.org", "Copies", "first");
        String uuid = created.at("/uuid");
        String reference = created.at("/reference");
        awaitMail("copy@example.org", reference, 1);
        api.post("/case/" + uuid + "/messages", "{\"from\": \"copy@example.org\", \"message\": \"no copy\"}");
        awaitMail("ben@team.test", reference, 2);
        String participantRow = "SELECT role || ' ' || xmin FROM mail_participant WHERE case_id = ?::uuid "
                + "AND email_key = 'copy@example.org'";
        String before = jdbc.queryForObject(participantRow, String.class, uuid);
        api.post("/config", "[{\"caseSendCopy\": true}]");
        api.post("/case/" + uuid + "/messages", "{\"from\": \"copy@example.org\", \"message\": \"with copy\"}");
        awaitMail("ben@team.test", reference, 3);
        assertThat(jdbc.queryForObject(participantRow, String.class, uuid))
                .as("a participant who writes again is not written again").isEqualTo(before).startsWith("participant ");
        List<byte[]> own = awaitMail("copy@example.org", reference, 2);
        assertThat(own).hasSize(2);
        assertThat(Mails.text(own.get(1))).contains("with copy");
    }

    @Test
    void aRunawaySenderIsHeldBack() {
        api.post("/config", "[{\"mailRateLimit\": 3}]");
        List<String> outcomes = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            outcomes.add(api.post("/mail/inbound", """
                    {"from": "flood@example.org", "subject": "Loop %d", "message": "again"}""".formatted(i))
                    .at("/outcome"));
        }
        assertThat(outcomes).containsExactly("opened", "opened", "opened", "rate_limited", "rate_limited");
        assertThat(api.get("/cases?participant=flood@example.org").json().get("total").asLong()).isEqualTo(3);
    }

    /**
     * A mail the mailbox could not hand out (or that could not be handled) 5 times in a row is listed by its header;
     * a retry says what to do with it, not that it was too large.
     */
    @Test
    void aMailTheMailboxQuarantinedUnreadIsListedAndItsRetrySaysWhy() {
        byte[] header = """
                From: Jane <jane.unread@example.org>\r
                Subject: Printer on fire\r
                Message-ID: <unread-1@example.org>\r
                \r
                """.getBytes(StandardCharsets.UTF_8);
        String mail = inboundMail.quarantinedUnread(header, 4096, "could not be read from the mailbox 5 times in a row "
                + "(NO cannot fetch)", InboundMailProcessor.Via.IMAP).mail().toString();

        JsonNode listed = api.get("/mail/inbound/" + mail).json();
        assertThat(listed.get("outcome").asString()).isEqualTo("quarantined");
        assertThat(listed.get("whole").asBoolean()).isFalse();
        assertThat(listed.get("from").asString()).isEqualTo("jane.unread@example.org");
        Response retry = api.post("/mail/inbound/" + mail + "/retry");
        CaseyServiceTests.assertProblem(retry, 409, "MAIL_NOT_RETRIABLE", null);
        assertThat(retry.at("/detail")).doesNotContain("mailMaxBytes").contains("$CaseyQuarantined");
    }

    @Test
    void aQuarantinedOrHeldBackMailIsListedKeptAsReceivedAndHandledAgainAtAnOperatorsRequest() {
        api.post("/config", "[{\"mailMaxBytes\": 65536}]");
        String raw = """
                From: Big Sender <big.sender@example.org>
                To: %s
                Subject: A large log
                Message-ID: <large-log-1@example.org>
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="b1"

                --b1
                Content-Type: text/plain; charset=UTF-8

                The log is attached.
                --b1
                Content-Type: text/plain; charset=UTF-8
                Content-Disposition: attachment; filename="app.log"

                %s
                --b1--
                """.formatted(MailServers.SUPPORT, "a log line that repeats\n".repeat(4000))
                .replace("\n", "\r\n");
        Response tooLarge = api.post("/mail/inbound", "message/rfc822", raw.getBytes(StandardCharsets.UTF_8));
        CaseyServiceTests.assertProblem(tooLarge, 422, "UNPROCESSABLE_MAIL", null);
        String first = tooLarge.at("/mail");
        assertThat(tooLarge.at("/detail")).contains("kept in quarantine as " + first);

        JsonNode quarantined = api.get("/mail/inbound?outcome=quarantined&size=200").json();
        JsonNode listed = java.util.stream.StreamSupport.stream(quarantined.get("mails").spliterator(), false)
                .filter(m -> m.get("id").asString().equals(first)).findFirst().orElseThrow();
        assertThat(listed.get("outcome").asString()).isEqualTo("quarantined");
        assertThat(listed.get("via").asString()).isEqualTo("http");
        assertThat(listed.get("detail").asString()).contains("exceeds the limit of 65536 bytes");
        assertThat(listed.get("size").asLong()).isEqualTo(raw.length());
        Response kept = api.get("/mail/inbound/" + first + "/raw");
        assertThat(kept.contentType()).startsWith("message/rfc822");
        assertThat(kept.text()).as("the mail as it came, byte for byte").isEqualTo(raw);

        // still too large: quarantined again, as a record of its own that names the one it retried
        Response again = api.post("/mail/inbound/" + first + "/retry");
        CaseyServiceTests.assertProblem(again, 422, "UNPROCESSABLE_MAIL", null);
        String second = again.at("/mail");
        assertThat(second).isNotEqualTo(first);
        assertThat(api.get("/mail/inbound/" + first).at("/retriedAs")).isEqualTo(second);
        assertThat(api.get("/mail/inbound/" + second).at("/retryOf")).isEqualTo(first);
        CaseyServiceTests.assertProblem(api.post("/mail/inbound/" + first + "/retry"), 409, "MAIL_NOT_RETRIABLE", null);

        api.post("/config", "[{\"mailMaxBytes\": null}]");
        Response opened = api.post("/mail/inbound/" + second + "/retry");
        assertThat(opened.status()).isEqualTo(201);
        assertThat(opened.at("/outcome")).isEqualTo("opened");
        JsonNode kase = api.get("/case/" + opened.at("/case")).json();
        assertThat(kase.get("creator").get("email").asString()).isEqualTo("big.sender@example.org");
        assertThat(kase.get("messages").get(0).get("attachments").get(0).get("filename").asString())
                .isEqualTo("app.log");
        assertThat(api.get("/mail/inbound/" + opened.at("/mail")).at("/outcome")).isEqualTo("opened");
        assertThat(api.get("/mail/inbound/" + second).at("/retriedAs")).isEqualTo(opened.at("/mail"));
        CaseyServiceTests.assertProblem(api.post("/mail/inbound/" + opened.at("/mail") + "/retry"), 409,
                "MAIL_NOT_RETRIABLE", null);
        // the same mail arriving again is the one now handled
        assertThat(api.post("/mail/inbound", "message/rfc822", raw.getBytes(StandardCharsets.UTF_8)).at("/case"))
                .isEqualTo(opened.at("/case"));

        // a held-back mail, released: not held back again
        api.post("/config", "[{\"mailRateLimit\": 1}]");
        assertThat(api.post("/mail/inbound", """
                {"from": "eager@example.org", "subject": "First", "message": "one"}""").at("/outcome")).isEqualTo("opened");
        Response held = api.post("/mail/inbound", """
                {"from": "eager@example.org", "subject": "Second", "message": "two"}""");
        assertThat(held.at("/outcome")).isEqualTo("rate_limited");
        // released by four operators at once: one opens the case, the others learn where it went
        List<java.util.concurrent.CompletableFuture<Response>> releases = java.util.stream.IntStream.range(0, 4)
                .mapToObj(i -> java.util.concurrent.CompletableFuture.supplyAsync(() ->
                        api.post("/mail/inbound/" + held.at("/mail") + "/retry"))).toList();
        List<Response> released = releases.stream().map(java.util.concurrent.CompletableFuture::join).toList();
        assertThat(released).extracting(Response::status).as("never a 500").allMatch(status -> status < 500);
        assertThat(released).extracting(r -> r.at("/outcome")).contains("opened");
        assertThat(api.get("/cases?participant=eager@example.org").json().get("total").asLong()).isEqualTo(2);
        // a held-back reply to a case, released, is posted there
        String firstCase = api.get("/cases?participant=eager@example.org&q=First").json().get("cases").get(0)
                .get("uuid").asString();
        Response heldReply = api.post("/mail/inbound", """
                {"from": "eager@example.org", "subject": "Re: [Casey %s] First", "message": "three"}"""
                .formatted(api.get("/case/" + firstCase).at("/reference")));
        assertThat(heldReply.at("/outcome")).isEqualTo("rate_limited");
        assertThat(heldReply.at("/case")).isEqualTo(firstCase);
        assertThat(api.post("/mail/inbound/" + heldReply.at("/mail") + "/retry").at("/outcome")).isEqualTo("posted");
        assertThat(api.get("/case/" + firstCase).json().get("messages")).extracting(m -> m.get("body").asString())
                .contains("three");

        CaseyServiceTests.assertProblem(api.post("/mail/inbound/" + UUID.randomUUID() + "/retry"), 404,
                "MAIL_NOT_FOUND", null);
        CaseyServiceTests.assertProblem(api.get("/mail/inbound/" + UUID.randomUUID() + "/raw"), 404, "MAIL_NOT_FOUND",
                null);
        CaseyServiceTests.assertProblem(api.get("/mail/inbound?outcome=lost"), 400, "INVALID_VALUE", "outcome");
    }

    @Test
    void aFloodOfNewSendersIsHeldBackWhileRepliesStillGoThrough() {
        Response earlier = api.post("/mail/inbound", """
                {"from": "regular@example.org", "subject": "Before the flood", "message": "hello"}""");
        Long opened = jdbc.queryForObject("SELECT count(*) FROM inbound_mail WHERE outcome = 'OPENED'"
                + " AND received_at >= now() - interval '1 hour'", Long.class);
        api.post("/config", "[{\"mailCaseRateLimit\": " + (opened + 2) + "}]");
        List<Response> flood = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            flood.add(api.post("/mail/inbound", """
                    {"from": "forged%d@victims.example", "subject": "Cheap pills", "message": "buy"}""".formatted(i)));
        }
        assertThat(flood).extracting(r -> r.at("/outcome")).containsExactly("opened", "opened", "rate_limited",
                "rate_limited");
        assertThat(flood.get(2).at("/detail")).contains("mailCaseRateLimit");
        assertThat(api.get("/cases?participant=forged2@victims.example").json().get("total").asLong()).isZero();
        awaitMail("forged0@victims.example", api.get("/case/" + flood.get(0).at("/case")).at("/reference"), 1);
        assertThat(MAIL.receivedBy("forged2@victims.example")).as("no acknowledgement for a held-back mail").isEmpty();
        String reference = api.get("/case/" + earlier.at("/case")).at("/reference");
        assertThat(api.post("/mail/inbound", """
                {"from": "regular@example.org", "subject": "Re: [Casey %s] Before the flood", "message": "more"}"""
                .formatted(reference)).at("/outcome")).as("a reply opens no case").isEqualTo("posted");
        assertThat(api.post("/mail/inbound/" + flood.get(3).at("/mail") + "/retry").at("/outcome")).isEqualTo("opened");
    }

    @Test
    void aMailWhoseSenderTheMailServerFoundForgedIsQuarantinedNotPostedAsATeamMember() {
        Response created = api.openCase("Forged", "forged.victim@example.org", "My order", "Where is it?");
        String reference = created.at("/reference");
        String forged = """
                Authentication-Results: mx.casey.test; spf=pass smtp.mailfrom=evil.example;
                 dkim=none; dmarc=fail (p=reject) header.from=team.test
                Authentication-Results: mx.casey.test; dmarc=pass (the sender's own) header.from=team.test
                From: Ben <ben@team.test>
                To: %s
                Subject: Re: [Casey %s] My order
                Message-ID: <forged-ben-%s@evil.example>

                Please pay to this account instead.
                """.formatted(MailServers.SUPPORT, reference, reference);
        api.post("/config", "[{\"mailAuthservId\": \"mx.casey.test\"}]");
        Response quarantined = receive(forged);
        CaseyServiceTests.assertProblem(quarantined, 422, "UNPROCESSABLE_MAIL", null);
        assertThat(quarantined.at("/detail")).contains("not authenticated", "dmarc=fail");
        assertThat(api.get("/case/" + created.at("/uuid")).json().get("messages")).hasSize(1);

        Response genuine = receive("""
                Authentication-Results: mx.casey.test; dkim=pass header.d=team.test; dmarc=pass header.from=team.test
                From: Ben <ben@team.test>
                To: %s
                Subject: Re: [Casey %s] My order
                Message-ID: <genuine-ben-%s@team.test>

                It ships today.
                """.formatted(MailServers.SUPPORT, reference, reference));
        assertThat(genuine.at("/outcome")).isEqualTo("posted");
        // an operator who looked at the quarantined one and retries it vouches for it
        String id = quarantined.at("/detail").replaceAll(".*kept in quarantine as ([0-9a-f-]{36}).*", "$1");
        assertThat(api.post("/mail/inbound/" + id + "/retry").at("/outcome")).isEqualTo("posted");
        api.post("/config", "[{\"mailAuthservId\": null}]");
        assertThat(receive(forged.replace("forged-ben-", "forged-again-")).at("/outcome"))
                .as("without mailAuthservId nothing is checked").isEqualTo("posted");
    }

    @Test
    void someoneOutsideTheTeamWhoTakesATeamMembersOrTheSupportsNameIsShownAsACustomer() {
        Response created = api.openCase("BEN  foo", "not.ben@example.org", "Your invoice", "Please confirm your card.");
        String uuid = created.at("/uuid");
        String reference = created.at("/reference");
        byte[] toAnna = awaitMail("anna@team.test", reference, 1).get(0);
        assertThat(Mails.header(toAnna, "From")).isEqualTo("\"BEN foo (customer) via Acme Support\" <"
                + MailServers.SUPPORT + ">");

        Response second = api.openCase("Acme Support", "not.support@example.org", "Urgent", "Log in here.");
        assertThat(Mails.header(awaitMail("anna@team.test", second.at("/reference"), 1).get(0), "From"))
                .isEqualTo("\"Acme Support (customer) via Acme Support\" <" + MailServers.SUPPORT + ">");

        // the team member of that name is shown as ever, and the quoted history marks whoever bore it outside
        api.post("/case/" + uuid + "/messages", "{\"from\": \"ben@team.test\", \"message\": \"We never ask that.\"}");
        byte[] fromBen = awaitMail("not.ben@example.org", reference, 2).get(1);
        assertThat(Mails.header(fromBen, "From")).isEqualTo("\"Ben Foo via Acme Support\" <" + MailServers.SUPPORT
                + ">");
        assertThat(Mails.text(fromBen)).contains("BEN foo (customer) wrote:");
    }

    @Test
    void aCustomerWritingInEmojiSequencesFlagsAndPersianIsReadAndRelayedAsWritten() throws Exception {
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67\u200D\uD83D\uDC66";
        String flags = "\uD83C\uDDE9\uD83C\uDDEA\uD83C\uDDEF\uD83C\uDDF5\uD83C\uDDFA\uD83C\uDDE6";
        String persian = "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645";
        String name = family + " Fam\u00EDlia " + flags;
        String subject = (flags + " " + family + " ").repeat(3) + "\u6F22\u5B57".repeat(20);
        String customer = "emoji@example.org";
        Response created = api.openCase(name, customer, subject, "Hello " + family);
        String uuid = created.at("/uuid");
        String reference = created.at("/reference");
        byte[] acknowledgement = awaitMail(customer, reference, 1).get(0);

        MAIL.sendToSupport(("""
                From: =?UTF-8?B?%s?= =?UTF-8?B?%s?= <%s>
                To: %s
                Subject: Re: [Casey %s] more
                Message-ID: <emoji-reply-1@example.org>
                In-Reply-To: <%s>
                Content-Type: text/plain; charset=UTF-8
                Content-Transfer-Encoding: 8bit

                Our family %s would like %s.
                """).formatted(base64(family + " Fam\u00EDlia "), base64(flags), customer,
                MailServers.SUPPORT, reference, messageId(acknowledgement), family, persian));

        JsonNode messages = awaitMessages(uuid, 2);
        assertThat(messages.get(1).get("body").asString()).isEqualTo("Our family " + family + " would like " + persian + ".");
        byte[] toBen = awaitMail("ben@team.test", reference, 2).get(1);
        jakarta.mail.internet.MimeMessage relayed = MailServers.parse(toBen);
        assertThat(relayed.getSubject()).isEqualTo("[Casey " + reference + "] " + subject);
        assertThat(((jakarta.mail.internet.InternetAddress) relayed.getFrom()[0]).getPersonal())
                .isEqualTo(name + " via Acme Support");
        assertThat(Mails.text(toBen)).contains("Our family " + family + " would like " + persian + ".");
        String head = new String(toBen, StandardCharsets.US_ASCII).split("\r\n\r\n", 2)[0];
        assertThat(head.split("\r\n")).allMatch(line -> line.length() <= 78);
        // every encoded word holds whole characters as people see them: no flag or family is cut in two
        java.util.regex.Matcher word = java.util.regex.Pattern.compile("=\\?UTF-8\\?B\\?([^?]*)\\?=").matcher(head);
        while (word.find()) {
            String decoded = new String(Base64.getDecoder().decode(word.group(1)), StandardCharsets.UTF_8);
            assertThat(decoded).as(word.group()).doesNotStartWith("\u200D").doesNotEndWith("\u200D");
            assertThat(decoded.codePoints().filter(cp -> cp >= 0x1F1E6 && cp <= 0x1F1FF).count() % 2)
                    .as("regional indicators of %s", word.group()).isZero();
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Hands a raw mail to the HTTP inbound endpoint, with the CRLF line ends of mail. */
    private Response receive(String raw) {
        return api.post("/mail/inbound", "message/rfc822", raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    static String messageId(byte[] mail) {
        return Mails.header(mail, "Message-ID").replaceAll("[<>]", "").trim();
    }

    /** The mails of one case (by its reference in the subject) that this address received, oldest first. */
    static List<byte[]> awaitMail(String address, String reference, int count) {
        return MAIL.awaitReceived(address, reference, count, PATIENCE);
    }

    static List<byte[]> allMailsOfCase(String reference) {
        return MAIL.allReceived().stream().filter(m -> Mails.header(m, "Subject").contains(reference)).toList();
    }

    static List<byte[]> mailsOfCase(String address, String reference) {
        return MAIL.receivedBy(address, reference);
    }

    JsonNode awaitMessages(String uuid, int count) {
        await().atMost(PATIENCE).until(() -> api.get("/case/" + uuid).json().get("messages").size() >= count);
        return api.get("/case/" + uuid).json().get("messages");
    }

    static Path configFile(String json) {
        try {
            Path file = Files.createTempDirectory("casey-mail-config").resolve("casey.json");
            Files.writeString(file, json);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code body} while the service sends its mail to {@code server}; then to the test's mail server again. */
    private void sendingTo(ScriptedSmtpServer server, Body body) throws Exception {
        try (server) {
            api.post("/config", "[{\"smtpPort\": " + server.port() + "}]");
            try {
                body.run();
            } finally {
                api.post("/config", "[{\"smtpPort\": null}]");
            }
        }
    }

    /**
     * Last of the class: the mail directory the service kept through every conversation above is what the events say;
     * one gone wrong in every way is put right by the rebuild, and mail works again for a case it had lost.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void theRebuildPutsTheMailDirectoryRightFromTheEvents() {
        String cleo = api.person("Cleo Old", "cleo@team.test", true);
        Response opened = api.openCase("Dora", "dora@example.org", "Printer on fire", "It smokes.");
        UUID a = UUID.fromString(opened.at("/uuid"));
        api.post("/case/" + a + "/messages", "{\"from\": \"ben@team.test\", \"message\": \"Unplug it.\"}");
        api.post("/case/" + a + "/messages", "{\"from\": \"Dora@Example.ORG\", \"message\": \"Done.\"}");
        api.post("/case/" + a + "/close");
        api.post("/case/" + a + "/reopen");
        assertThat(api.patch("/persons/" + cleo, "{\"name\": \"Cleo New\"}").status()).isEqualTo(200);
        assertThat(api.post("/persons/" + cleo + "/retire").status()).isEqualTo(200);
        Response lost = api.openCase("Emil", "emil@example.org", "Lost case", "Where did it go?");
        UUID b = UUID.fromString(lost.at("/uuid"));
        byte[] toEmil = awaitMail("emil@example.org", lost.at("/reference"), 1).get(0);
        UUID c = UUID.fromString(api.openCase("Fritz", "fritz@example.org", "Swapped", "reference").at("/uuid"));

        Map<String, List<Map<String, Object>>> kept = directory();
        assertThat(kept.get("messages")).allSatisfy(row -> assertThat(row.get("posted_at_as_recorded")).isNotNull());
        JsonNode clean = api.post("/admin/read-models/rebuild").json();
        assertThat(clean.get("repaired").get("mailDirectory").asLong()).as("what the service kept is what the events say")
                .isZero();
        assertThat(directory()).isEqualTo(kept);

        List<UUID> messages = jdbc.queryForList("SELECT message_id FROM mail_message WHERE case_id = ? ORDER BY posted_at",
                UUID.class, a);
        long rowsOfB = jdbc.queryForObject("SELECT (SELECT count(*) FROM mail_message WHERE case_id = ?)"
                + " + (SELECT count(*) FROM mail_participant WHERE case_id = ?) + 1", Long.class, b, b);
        jdbc.update("UPDATE mail_case SET status = 'EXPIRED' WHERE case_id = ?", a);
        jdbc.update("DELETE FROM mail_participant WHERE case_id = ? AND email_key = 'dora@example.org'", a);
        jdbc.update("UPDATE mail_participant SET role = 'invited' WHERE case_id = ? AND email_key = 'ben@team.test'", a);
        jdbc.update("INSERT INTO mail_participant VALUES (?, 'intruder@example.org', 'intruder@example.org', 'I', "
                + "false, 'participant')", a);
        jdbc.update("UPDATE mail_message SET body = 'garbled' WHERE message_id = ?", messages.get(1));
        jdbc.update("DELETE FROM mail_message WHERE message_id = ?", messages.get(2));
        jdbc.update("DELETE FROM mail_message WHERE case_id = ?", b);
        jdbc.update("DELETE FROM mail_participant WHERE case_id = ?", b);
        jdbc.update("DELETE FROM mail_case WHERE case_id = ?", b);
        // a and c hold each other's references
        String referenceOfC = jdbc.queryForObject("SELECT reference FROM mail_case WHERE case_id = ?", String.class, c);
        jdbc.update("UPDATE mail_case SET reference = 'SWAP' WHERE case_id = ?", c);
        jdbc.update("UPDATE mail_case SET reference = ? WHERE case_id = ?", referenceOfC, a);
        jdbc.update("UPDATE mail_case SET reference = ? WHERE case_id = ?", opened.at("/reference"), c);
        UUID orphan = UUID.randomUUID();
        jdbc.update("INSERT INTO mail_case VALUES (?, 'ORPHAN-1', 'nobody', 'OPEN', 'x@example.org')", orphan);
        jdbc.update("INSERT INTO mail_participant VALUES (?, 'x@example.org', 'x@example.org', 'X', false, 'participant')",
                orphan);
        jdbc.update("INSERT INTO mail_message VALUES (?, ?, 'x@example.org', 'X', 'hi', now(), NULL)", UUID.randomUUID(),
                orphan);
        jdbc.update("UPDATE mail_team SET name = 'Ben Wrong' WHERE email_key = 'ben@team.test'");
        jdbc.update("DELETE FROM mail_team WHERE person_id = ?::uuid", cleo);
        jdbc.update("INSERT INTO mail_team VALUES (?, 'ghost@team.test', 'ghost@team.test', 'Ghost', true, true)",
                UUID.randomUUID());

        JsonNode repaired = api.post("/admin/read-models/rebuild").json();
        // a: status, dora, ben's role, the intruder, two messages; c's reference; all of b; the orphan's 3; team 3
        assertThat(repaired.get("repaired").get("mailDirectory").asLong()).isEqualTo(6 + 1 + rowsOfB + 3 + 3);
        assertThat(directory()).isEqualTo(kept);
        assertThat(api.post("/admin/read-models/rebuild").json().get("repaired").get("mailDirectory").asLong()).isZero();

        // the case mail had lost takes its customer's reply again, and the team hears of it
        MAIL.sendToSupport("""
                From: Emil <emil@example.org>
                To: %s
                Subject: Re: [Casey %s] Lost case
                Message-ID: <emil-1@example.org>
                In-Reply-To: <%s>
                Content-Type: text/plain; charset=UTF-8

                Found it again.
                """.formatted(MailServers.SUPPORT, lost.at("/reference"), messageId(toEmil)));
        assertThat(awaitMessages(b.toString(), 2).get(1).get("body").asString()).isEqualTo("Found it again.");
        assertThat(Mails.text(awaitMail("ben@team.test", lost.at("/reference"), 2).get(1))).contains("Found it again.");
    }

    /**
     * The mail directory, every row of it; a message's time as the millisecond the event store keeps (a repaired row
     * has that, one written with the event its microsecond: they agree to the millisecond, allowing for rounding).
     */
    private Map<String, List<Map<String, Object>>> directory() {
        Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
        tables.put("cases", jdbc.queryForList("SELECT * FROM mail_case ORDER BY case_id"));
        tables.put("participants", jdbc.queryForList("SELECT * FROM mail_participant ORDER BY case_id, email_key"));
        tables.put("messages", jdbc.queryForList("""
                SELECT message_id, case_id, author_email, author_name, body, mail_message_id,
                       (SELECT floor(extract(epoch FROM e.timestamp::timestamptz) * 1000) FROM domainevententry e
                         WHERE e.aggregateidentifier = m.case_id::text AND e.payloadtype LIKE '%MessagePostedEvent'
                           AND convert_from(e.payload, 'UTF8')::jsonb ->> 'messageId' = m.message_id::text
                           AND posted_at - e.timestamp::timestamptz BETWEEN interval '0' AND interval '1 millisecond')
                       AS posted_at_as_recorded
                  FROM mail_message m ORDER BY message_id"""));
        tables.put("team", jdbc.queryForList("SELECT * FROM mail_team ORDER BY person_id"));
        return tables;
    }

    /** A part of a test that may throw. */
    private interface Body {
        void run() throws Exception;
    }
}
