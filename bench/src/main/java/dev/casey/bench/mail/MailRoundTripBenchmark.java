package dev.casey.bench.mail;

import com.icegreen.greenmail.store.FolderListener;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.casey.bench.http.CaseyApi;
import dev.casey.bench.http.Latencies;
import dev.casey.bench.http.LoadRun;
import dev.casey.bench.http.MachineLoad;
import jakarta.mail.Address;
import jakarta.mail.Flags;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mail through Casey, with GreenMail in this JVM as both mail servers: "support" (SMTP + IMAP, the support
 * mailbox Casey reads, with IDLE) and "outside" (the SMTP server Casey sends to, holding customers' and team
 * members' mailboxes). Starts caseyd itself as a child process on the given jar and database, so that its
 * configuration points at these servers, and stops it at the end.
 *
 * <ol>
 *   <li><b>round trip</b>: a customer answers by SMTP to the support address with In-Reply-To of the mail they got;
 *       measured from the moment the support server accepted the reply (SMTP DATA answered) until the outside
 *       server has stored the notification to the team member (timestamped in its mailbox listener, not polled)</li>
 *   <li><b>IMAP throughput</b>: a batch of replies is put into the support inbox at once; time until Casey has
 *       moved all of them to its processed folder</li>
 *   <li><b>HTTP throughput</b>: {@code POST /mail/inbound} with {@code message/rfc822} at 1, 4 and 16 clients</li>
 * </ol>
 *
 * Options: {@code --jar server/target/caseyd.jar --db jdbc:postgresql://… --db-user --db-password --port 18080
 * --rounds 50 --imap-batch 300 --warmup 10 --duration 30 --clients 1,4,16 --jvm-args "-Xmx1g"}.
 */
public final class MailRoundTripBenchmark {

    static final String SUPPORT = "support@casey.bench";
    static final String SUPPORT_PASSWORD = "support-bench-secret";
    static final String TEAM_MEMBER = "ben@team.example";
    static final String TOKEN = "bench-admin-token-0123456789";
    private static final Pattern MESSAGE_ID = Pattern.compile("casey\\.[^>@\\s]+@[^>\\s]+");
    private static final Pattern REFERENCE = Pattern.compile("\\[Casey ([A-Z0-9-]+)\\]");
    private static final Pattern IMAP_PROCESSED = Pattern.compile(
            "(?m)^casey_imap_messages_total\\{[^}]*result=\"processed\"[^}]*\\} ([0-9.eE+]+)");

    private final Map<String, String> options;
    private final GreenMail support;
    private final GreenMail outside;
    private final BlockingQueue<Long> teamMailArrivals = new LinkedBlockingQueue<>();
    private final AtomicLong processedCount = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private Process caseyd;
    private CaseyApi api;

    private MailRoundTripBenchmark(Map<String, String> options) {
        this.options = options;
        support = new GreenMail(ServerSetup.dynamicPort(new ServerSetup[] {
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)}));
        outside = new GreenMail(ServerSetup.dynamicPort(new ServerSetup[] {
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)}));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        MailRoundTripBenchmark b = new MailRoundTripBenchmark(options);
        try {
            b.start();
            b.roundTrip();
            b.imapThroughput();
            b.httpThroughput();
        } finally {
            b.stop();
        }
    }

    // --- set-up ---------------------------------------------------------------------------------------------

    private void start() throws Exception {
        support.start();
        outside.start();
        support.setUser(SUPPORT, SUPPORT, SUPPORT_PASSWORD);
        GreenMailUser ben = outside.setUser(TEAM_MEMBER, TEAM_MEMBER, TEAM_MEMBER);
        // The outside server's own timestamp of the team member's notification: stored in its mailbox.
        MailFolder benInbox = outside.getManagers().getImapHostManager().getInbox(ben);
        benInbox.addListener(new ArrivalListener(() -> teamMailArrivals.add(System.nanoTime())));

        Path dir = Files.createTempDirectory("casey-mail-bench");
        Path config = dir.resolve("casey.json");
        // mailSyncTimer is long on purpose: what is measured is IMAP IDLE, not the fallback poll. The rate limit is
        // raised because the throughput runs send far more than 30 mails an hour per customer, and open far more than
        // 300 cases an hour.
        Files.writeString(config, """
                {"mailAddress": "%s", "mailSupportName": "Acme Support",
                 "smtpServer": "127.0.0.1", "smtpPort": %d, "smtpEncryption": "none",
                 "imapServer": "127.0.0.1", "imapPort": %d, "imapEncryption": "none",
                 "imapUsername": "%s", "imapPassword": "%s", "mailSyncTimer": 300, "mailRateLimit": 1000000,
                 "mailCaseRateLimit": 1000000,
                 "apiTokens": [{"name": "bench", "token": "%s", "scopes": ["admin"]}]}"""
                .formatted(SUPPORT, outside.getSmtp().getPort(), support.getImap().getPort(), SUPPORT,
                        SUPPORT_PASSWORD, TOKEN));
        String port = option("port", "18080");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(Arrays.asList(option("jvm-args", "-Xmx1g").split(" ")));
        command.addAll(List.of("-jar", option("jar", "server/target/caseyd.jar"), "--config", config.toString(),
                "--management.endpoints.web.exposure.include=health,prometheus"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("caseyd.log").toFile());
        pb.environment().put("CASEY_PORT", port);
        pb.environment().put("CASEY_DB_URL", option("db", "jdbc:postgresql://127.0.0.1:55432/casey_mail"));
        pb.environment().put("CASEY_DB_USER", option("db-user", "casey"));
        pb.environment().put("CASEY_DB_PASSWORD", option("db-password", "casey-bench"));
        System.out.println("# caseyd log: " + dir.resolve("caseyd.log") + ", load " + LoadRun.loadAverages());
        caseyd = pb.start();
        api = new CaseyApi("http://127.0.0.1:" + port, TOKEN);
        long until = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!api.getOutside("/actuator/health/readiness").ok()) {
            if (!caseyd.isAlive() || System.nanoTime() > until) {
                throw new IllegalStateException("caseyd did not start, see " + dir.resolve("caseyd.log"));
            }
            Thread.sleep(250);
        }
        // let the mailbox poller log in and enter IDLE
        Thread.sleep(3000);
        api.teamMember("Ben Foo", TEAM_MEMBER);
    }

    private void stop() {
        if (caseyd != null) {
            caseyd.destroy();
            try {
                caseyd.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        support.stop();
        outside.stop();
    }

    // --- 1. round trip --------------------------------------------------------------------------------------

    private void roundTrip() throws Exception {
        int rounds = Integer.parseInt(option("rounds", "50"));
        List<MailThread> cases = openCases(Math.min(rounds, 20));
        Latencies latencies = new Latencies();
        String loadBefore = LoadRun.loadAverage();
        MachineLoad start = MachineLoad.now(caseyd.pid());
        int warmup = 5;
        for (int round = 0; round < rounds + warmup; round++) {
            MailThread thread = cases.get(round % cases.size());
            teamMailArrivals.clear();
            long delivered = sendToSupport(thread.reply("Round " + round + ": still broken, see above."));
            Long arrived = teamMailArrivals.poll(30, TimeUnit.SECONDS);
            if (arrived == null) {
                throw new IllegalStateException("no notification to the team member within 30 s in round " + round);
            }
            if (round >= warmup) {
                latencies.record(arrived - delivered);
            }
            Thread.sleep(200); // one mail at a time: the round trip of a quiet system
        }
        Latencies merged = Latencies.merge(List.of(latencies));
        System.out.printf(Locale.ROOT, "%nround trip, SMTP reply accepted by the support server → notification stored by the"
                        + " outside server (IDLE), %d rounds after %d warm-up:%n  p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms"
                        + "  (load %s → %s, other cores %.2f)%n", merged.count(), warmup, merged.percentileMillis(50),
                merged.percentileMillis(95), merged.percentileMillis(99), merged.maxMillis(), loadBefore, LoadRun.loadAverage(),
                MachineLoad.now(caseyd.pid()).otherCoresSince(start));
    }

    // --- 2. inbound over IMAP -------------------------------------------------------------------------------

    private void imapThroughput() throws Exception {
        int batch = Integer.parseInt(option("imap-batch", "300"));
        List<MailThread> cases = openCases(50);
        GreenMailUser user = support.getManagers().getUserManager().getUser(SUPPORT);
        MailFolder inbox = support.getManagers().getImapHostManager().getInbox(user);
        List<MimeMessage> mails = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            mails.add(mime(cases.get(i % cases.size()).reply("IMAP batch mail " + i)));
        }
        double before = imapProcessed();
        String loadBefore = LoadRun.loadAverage();
        MachineLoad machineBefore = MachineLoad.now(caseyd.pid());
        long start = System.nanoTime();
        // straight into the mailbox, as a delivery agent would: the SMTP hop is not what is measured here
        for (MimeMessage mail : mails) {
            inbox.appendMessage(mail, new Flags(), new java.util.Date());
        }
        long appended = System.nanoTime();
        long until = start + Duration.ofMinutes(10).toNanos();
        while (imapProcessed() - before < batch) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("Casey processed only " + (imapProcessed() - before) + " of " + batch);
            }
            Thread.sleep(50);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%ninbound over IMAP: %d replies put in the inbox in %.2f s, all processed after %.1f s:"
                        + " %.1f mails/s (load %s → %s, other cores %.2f)%n", batch, (appended - start) / 1e9, seconds,
                batch / seconds, loadBefore, LoadRun.loadAverage(), MachineLoad.now(caseyd.pid()).otherCoresSince(machineBefore));
    }

    private double imapProcessed() {
        CaseyApi.Answer a = api.getOutside("/actuator/prometheus");
        Matcher m = IMAP_PROCESSED.matcher(a.body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    // --- 3. inbound over HTTP -------------------------------------------------------------------------------

    private void httpThroughput() throws Exception {
        List<MailThread> cases = openCases(50);
        Duration warmup = Duration.ofSeconds(Long.parseLong(option("warmup", "10")));
        Duration window = Duration.ofSeconds(Long.parseLong(option("duration", "30")));
        List<LoadRun.Result> results = new ArrayList<>();
        for (String clients : option("clients", "1,4,16").split(",")) {
            results.add(LoadRun.run("POST /mail/inbound (rfc822)", Integer.parseInt(clients), warmup, window, caseyd.pid(),
                    (client, i) -> api.post("/mail/inbound", "message/rfc822",
                            cases.get(ThreadLocalRandom.current().nextInt(cases.size())).reply("HTTP inbound " + i))));
            System.out.println(results.get(results.size() - 1).row());
        }
        System.out.println();
        System.out.println(LoadRun.Result.header());
        results.forEach(r -> System.out.println(r.row()));
        results.stream().flatMap(r -> r.firstErrors().stream()).limit(5).forEach(e -> System.out.println("  error: " + e));
    }

    // --- mail plumbing --------------------------------------------------------------------------------------

    /** A case opened over HTTP and the mail thread its customer has: the Message-ID to answer to. */
    private final class MailThread {
        final String customer;
        final String reference;
        final String messageId;

        MailThread(String customer, String reference, String messageId) {
            this.customer = customer;
            this.reference = reference;
            this.messageId = messageId;
        }

        /** The customer's reply by mail, quoting our mail below their text as mail clients do. */
        byte[] reply(String text) {
            String date = ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME);
            String mail = """
                    Message-ID: <reply.%d.%d@customers.example>
                    In-Reply-To: <%s>
                    References: <%s>
                    Date: %s
                    From: Customer <%s>
                    To: "Ben Foo via Acme Support" <%s>
                    Subject: Re: [Casey %s] Export to CSV stops at 80 %%
                    MIME-Version: 1.0
                    Content-Type: text/plain; charset=UTF-8
                    Content-Transfer-Encoding: 8bit

                    %s

                    It happens every time I open the export dialog and choose the Excel format.

                    Thanks, Customer

                    On Mon, 23 Nov 2026 at 17:03, Acme Support <%s> wrote:
                    > ##- Reply above this line to add to case %s -##
                    >
                    > There is a bug over there!
                    """.formatted(System.nanoTime(), sequence.incrementAndGet(), messageId, messageId, date, customer,
                    SUPPORT, reference, text, SUPPORT, reference);
            return mail.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Opens cases over HTTP, each by another customer, and waits for the customer's copy to learn its Message-ID. */
    private List<MailThread> openCases(int n) throws Exception {
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String customer = "customer-" + sequence.incrementAndGet() + "@customers.example";
            api.openCase("Customer", customer, "Export to CSV stops at 80 %", "There is a bug over there!");
            customers.add(customer);
        }
        List<MailThread> threads = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (String customer : customers) {
            MimeMessage got = null;
            while (got == null) {
                got = Arrays.stream(outside.getReceivedMessages()).filter(m -> sentTo(m, customer)).findFirst().orElse(null);
                if (got == null) {
                    if (System.nanoTime() > until) {
                        throw new IllegalStateException("no mail for " + customer);
                    }
                    Thread.sleep(50);
                }
            }
            Matcher id = MESSAGE_ID.matcher(got.getMessageID());
            Matcher ref = REFERENCE.matcher(got.getSubject());
            if (!id.find() || !ref.find()) {
                throw new IllegalStateException("unexpected mail: " + got.getMessageID() + " " + got.getSubject());
            }
            threads.add(new MailThread(customer, ref.group(1), id.group()));
        }
        // the team member's NEW_CASE mails of these cases must not count as notifications of the next round
        Thread.sleep(1000);
        return threads;
    }

    private static boolean sentTo(MimeMessage m, String address) {
        try {
            Address[] to = m.getRecipients(Message.RecipientType.TO);
            return to != null && Arrays.stream(to).anyMatch(a -> ((InternetAddress) a).getAddress().equalsIgnoreCase(address));
        } catch (MessagingException e) {
            return false;
        }
    }

    /** Sends by SMTP to the support server; answers the time the server accepted the mail. */
    private long sendToSupport(byte[] raw) throws MessagingException {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(support.getSmtp().getPort()));
        Session session = Session.getInstance(p);
        MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(raw));
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            // sendMessage, not Transport.send: the mail goes out exactly as written (no new Message-ID)
            transport.sendMessage(message, new Address[] {new InternetAddress(SUPPORT)});
            return System.nanoTime();
        }
    }

    private static MimeMessage mime(byte[] raw) throws MessagingException {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    }

    private String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    /** Calls back for every message added to a GreenMail folder. */
    private record ArrivalListener(Runnable onAdded) implements FolderListener {
        @Override
        public void added(int msn) {
            onAdded.run();
        }

        @Override
        public void expunged(int msn) {
        }

        @Override
        public void flagsUpdated(int msn, Flags flags, Long uid) {
        }

        @Override
        public void mailboxDeleted() {
        }
    }
}
