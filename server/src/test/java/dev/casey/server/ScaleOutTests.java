package dev.casey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.casey.mailgateway.imap.MailboxPoller;
import dev.casey.server.axon.ConflictRetry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Three instances of the service on one PostgreSQL: commands accepted on any of them (concurrent
 * writes to the same cases retried, none lost, also while read-model rebuilds run; one that loses every race told to
 * come again, nothing of it stored), every mail sent once, one
 * mailbox reader at a time with takeover, configuration changes seen everywhere.
 */
class ScaleOutTests {

    static final int INSTANCES = 3;
    static final int CASES = 3;
    static final int MESSAGES = 60;
    static final int CROWD = 24;
    static final int CROWD_POSTS = 120;

    @Test
    void threeInstancesShareOneDatabaseWithoutLosingOrRepeatingAnything() throws Exception {
        List<ConfigurableApplicationContext> instances = new ArrayList<>();
        try (EmbeddedPostgres database = EmbeddedPostgres.builder().start(); MailServers mail = new MailServers()) {
            Path config = MailConversationTests.configFile(mail.config(""));
            for (int i = 0; i < INSTANCES; i++) {
                instances.add(Services.start(Files.createTempDirectory("casey-scale-"),
                        "--spring.datasource.url=" + database.getJdbcUrl("postgres", "postgres"),
                        "--spring.datasource.username=postgres", "--casey.config-file=" + config));
            }
            List<Api> apis = instances.stream().map(Services::api).toList();
            apis.get(0).person("Ben Foo", "ben@team.test", true);

            List<String> cases = new ArrayList<>();
            for (int i = 0; i < CASES; i++) {
                cases.add(apis.get(i % INSTANCES).openCase("Many", "many@example.org", "Shared " + i, "first").at("/uuid"));
            }

            // everyone writes to the same few cases through every instance at once, while two instances keep asking
            // for rebuilds of the read models
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Integer> rebuilds = new CopyOnWriteArrayList<>();
            ExecutorService rebuilders = Executors.newFixedThreadPool(2);
            // the two ask at the same moment each round: one runs, the other must be refused
            CyclicBarrier together = new CyclicBarrier(2);
            for (int i = 0; i < 2; i++) {
                Api admin = apis.get(i);
                rebuilders.submit(() -> {
                    while (writing.get()) {
                        together.await(5, TimeUnit.SECONDS); // the last round ends by time-out when the other stopped
                        rebuilds.add(admin.post("/admin/read-models/rebuild").status());
                        Thread.sleep(100);
                    }
                    return null;
                });
            }
            ExecutorService clients = Executors.newFixedThreadPool(12);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int n = 0; n < MESSAGES; n++) {
                int message = n;
                answers.add(clients.submit(() -> {
                    // each case is written to through every instance
                    Api.Response r = apis.get(message % INSTANCES).post("/case/" + cases.get((message / INSTANCES) % CASES)
                                    + "/messages",
                            "{\"from\": \"many@example.org\", \"message\": \"m-" + message + "\"}");
                    if (r.status() == 201) {
                        acknowledged.add(r.at("/uuid"));
                    }
                    return r.status();
                }));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(201);
            }
            clients.shutdown();
            writing.set(false);
            rebuilders.shutdown();
            assertThat(rebuilders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            assertThat(rebuilds).as("one rebuild at a time among the instances, the other refused").contains(200, 409)
                    .allMatch(status -> status == 200 || status == 409);

            // every message once, in whichever instance one asks
            int stored = 0;
            String now = URLEncoder.encode(Instant.now().toString(), StandardCharsets.UTF_8);
            for (String uuid : cases) {
                JsonNode view = Api.withoutDeliveries(apis.get(2).get("/case/" + uuid).json());
                assertThat(view).as("the view of %s as folded from its events", uuid)
                        .isEqualTo(apis.get(2).get("/case/" + uuid + "?asOf=" + now).json());
                JsonNode messages = view.get("messages");
                stored += messages.size() - 1;
                messages.forEach(m -> acknowledged.remove(m.get("uuid").asString()));
            }
            assertThat(stored).isEqualTo(MESSAGES);
            long retried = instances.stream().mapToLong(i -> i.getBean(ConflictRetry.class).retried()).sum();
            System.out.printf("SCALE-OUT: %d messages to %d cases through %d instances, %d commands retried after a race,"
                    + " rebuilds answered %s%n", MESSAGES, CASES, INSTANCES, retried, rebuilds);
            assertThat(retried).as("concurrent writes to the same cases must have collided").isPositive();
            assertThat(acknowledged).as("acknowledged but not stored").isEmpty();

            // every mail sent once, although three instances drain the outbox
            await().atMost(Duration.ofSeconds(60)).until(() -> mail.receivedBy("ben@team.test").size() >= CASES + MESSAGES);
            Thread.sleep(2_000);
            List<String> texts = mail.receivedBy("ben@team.test").stream().map(Mails::text).toList();
            assertThat(texts).hasSize(CASES + MESSAGES);
            for (int n = 0; n < MESSAGES; n++) {
                String marker = "m-" + n;
                assertThat(texts.stream().filter(t -> t.lines().anyMatch(line -> line.strip().equals(marker))).count())
                        .as("mails with " + marker).isEqualTo(1);
            }

            // a case held in one instance's memory and changed through another is not decided on as it was:
            // the first instance thinks it open, refusing the reopening would append nothing and raise no conflict
            String kept = cases.get(0);
            assertThat(apis.get(0).post("/case/" + kept + "/messages",
                    "{\"from\": \"many@example.org\", \"message\": \"held\"}").status()).isEqualTo(201);
            assertThat(apis.get(1).post("/case/" + kept + "/close").status()).isEqualTo(200);
            Api.Response reopened = apis.get(0).post("/case/" + kept + "/reopen");
            assertThat(reopened.status()).as(reopened.text()).isEqualTo(200);
            assertThat(reopened.at("/status")).isEqualTo("open");

            // one case written to by many clients through every instance at once: a post that loses every race is
            // told to come again (503 CASE_BUSY), never 500, and then nothing of it was stored
            String busy = apis.get(0).openCase("Busy", "busy@example.org", "Busy", "first").at("/uuid");
            long retriedBefore = instances.stream().mapToLong(i -> i.getBean(ConflictRetry.class).retried()).sum();
            ExecutorService crowd = Executors.newFixedThreadPool(CROWD);
            List<Future<Api.Response>> posts = new ArrayList<>();
            for (int n = 0; n < CROWD_POSTS; n++) {
                int post = n;
                posts.add(crowd.submit(() -> apis.get(post % INSTANCES).post("/case/" + busy + "/messages",
                        "{\"from\": \"busy@example.org\", \"message\": \"b-" + post + "\"}")));
            }
            List<String> expected = new ArrayList<>(List.of("first"));
            Map<Integer, Integer> statuses = new TreeMap<>();
            for (int n = 0; n < CROWD_POSTS; n++) {
                Api.Response answer = posts.get(n).get();
                statuses.merge(answer.status(), 1, Integer::sum);
                assertThat(answer.status()).as(answer.text()).isIn(201, 503);
                if (answer.status() == 201) {
                    expected.add("b-" + n);
                } else {
                    assertThat(answer.at("/code")).isEqualTo("CASE_BUSY");
                }
            }
            crowd.shutdown();
            System.out.printf("SCALE-OUT: %d posts to one case by %d clients through %d instances answered %s, %d "
                    + "commands retried after a race%n", CROWD_POSTS, CROWD, INSTANCES, statuses,
                    instances.stream().mapToLong(i -> i.getBean(ConflictRetry.class).retried()).sum() - retriedBefore);
            for (Api api : apis) {
                assertThat(api.get("/case/" + busy).json().get("messages").findValuesAsString("body"))
                        .containsExactlyInAnyOrderElementsOf(expected);
            }

            // one mailbox reader; when it goes, another takes over
            List<Integer> leaders = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                if (instances.get(i).getBean(MailboxPoller.class).stats().leader()) {
                    leaders.add(i);
                }
            }
            assertThat(leaders).hasSize(1);
            instances.get(leaders.get(0)).close();
            Api survivor = apis.get((leaders.get(0) + 1) % INSTANCES);
            mail.sendToSupport("""
                    From: After Takeover <takeover@example.org>
                    To: %s
                    Subject: Read by another instance
                    Message-ID: <takeover-1@example.org>
                    Content-Type: text/plain; charset=UTF-8

                    Hello.
                    """.formatted(MailServers.SUPPORT));
            await().atMost(Duration.ofSeconds(30)).until(() -> survivor.get("/cases?participant=takeover@example.org")
                    .json().get("total").asLong() == 1);

            // configuration changed on one instance is in force on the others within 2 s (README), read in the
            // background now rather than by the reader: a little slack for a busy machine
            Api other = apis.get((leaders.get(0) + 2) % INSTANCES);
            survivor.post("/config", "[{\"mailSubjectPrefix\": \"Acme\"}]");
            await().atMost(Duration.ofSeconds(3)).until(() -> "Acme".equals(other.get("/config").at("/mailSubjectPrefix")));
        } finally {
            for (ConfigurableApplicationContext instance : instances) {
                if (instance.isActive()) {
                    instance.close();
                }
            }
        }
    }
}
