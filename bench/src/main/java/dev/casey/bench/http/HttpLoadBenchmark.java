package dev.casey.bench.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP load driver: runs against a caseyd that is already running (see bench/README.md for how to start it
 * on an external PostgreSQL). One sub-command per measurement:
 *
 * <pre>
 *   team                       register the team members the other runs post as (idempotent); --customers N also
 *                              registers N persons outside the team (registered0@customer.example, …)
 *   open-cases                 POST /cases at each client count
 *   post-messages              POST /case/{uuid}/messages over a pool of open cases, customers and team taking turns
 *                              (--pool 500 cases opened first; --pool-of existing: open cases of the store instead)
 *   read                       GET /case/{uuid} (random cases of the store) and GET /cases?page=0&amp;size=20
 *   seed                       open cases and post messages at full speed until the store holds --events events
 *   rebuild                    POST /admin/read-models/rebuild: the read models projected anew from the whole store
 * </pre>
 *
 * Options: {@code --url http://127.0.0.1:8080 --token T --clients 1,4,16 --warmup 15 --duration 30 --pid <caseyd pid>
 * --db jdbc:postgresql://127.0.0.1:55432/casey --db-user casey --db-password …}. With {@code --pid} the service's
 * memory is sampled during every 16-client run.
 */
public final class HttpLoadBenchmark {

    static final List<String[]> TEAM = List.of(
            new String[] {"Ben Foo", "ben@team.example"},
            new String[] {"Ana Bar", "ana@team.example"});
    private static final int CUSTOMERS = 5000;
    private static final String[] SUBJECTS = {
            "Export to CSV stops at 80 %", "Invoice shows the wrong VAT rate", "Cannot log in since the update",
            "Please add our second office", "Password reset mail never arrives", "API returns 502 at night"};
    private static final String MESSAGE = "Hello, it happens every time I open the export dialog and choose the"
            + " Excel format: the progress bar stops and after a minute the page says that something went wrong."
            + " With the plain format it works. I tried two browsers, same result. Thanks for looking into it!";
    private static final String ANSWER = "Hello, thanks for the details. We could reproduce it: the export runs into"
            + " a row limit for large accounts. A fix is on its way; until then please use the plain format.";

    private final Map<String, String> options;
    private final CaseyApi api;

    private HttpLoadBenchmark(Map<String, String> options) {
        this.options = options;
        this.api = new CaseyApi(option("url", "http://127.0.0.1:8080"), options.get("token"));
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: HttpLoadBenchmark team|open-cases|post-messages|read|seed [--option value]…");
            System.exit(2);
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        HttpLoadBenchmark b = new HttpLoadBenchmark(options);
        System.out.println("# " + args[0] + " " + options.entrySet().stream().filter(e -> !e.getKey().contains("password")
                && !e.getKey().equals("token")).toList() + ", load " + LoadRun.loadAverages() + ", "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        switch (args[0]) {
            case "team" -> b.team();
            case "open-cases" -> b.openCases();
            case "post-messages" -> b.postMessages();
            case "read" -> b.read();
            case "seed" -> b.seed();
            case "rebuild" -> b.rebuild();
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    /** The team; with {@code --customers N}, also N registered customers (persons outside the team), 8 at a time. */
    private void team() {
        for (String[] member : TEAM) {
            api.teamMember(member[0], member[1]);
        }
        System.out.println("team: " + TEAM.stream().map(m -> m[1]).toList());
        int customers = Integer.parseInt(option("customers", "0"));
        long started = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int first = t;
            threads.add(new Thread(() -> {
                for (int i = first; i < customers; i += 8) {
                    api.person("Registered Customer " + i, "registered" + i + "@customer.example", false);
                }
            }));
        }
        threads.forEach(Thread::start);
        threads.forEach(HttpLoadBenchmark::join);
        if (customers > 0) {
            System.out.printf(Locale.ROOT, "registered customers: %d in %.1f s%n", customers,
                    (System.nanoTime() - started) / 1e9);
        }
    }

    private void openCases() {
        List<LoadRun.Result> results = new ArrayList<>();
        for (int clients : clientCounts()) {
            results.add(measure("open-cases", clients, (client, i) -> openCaseRequest()));
        }
        print(results);
    }

    private void postMessages() {
        int poolSize = Integer.parseInt(option("pool", "500"));
        List<LoadRun.Result> results = new ArrayList<>();
        for (int clients : clientCounts()) {
            // a fresh pool per client count, so every run posts into cases of the same size; or cases of the store
            List<String[]> pool = "existing".equals(options.get("pool-of")) ? store().randomOpenCases(poolSize)
                    : openPool(poolSize);
            results.add(measure("post-messages", clients, (client, i) -> {
                String[] kase = pool.get(ThreadLocalRandom.current().nextInt(pool.size()));
                return postMessage(kase, ThreadLocalRandom.current().nextBoolean());
            }));
        }
        print(results);
    }

    private void read() {
        EventStore store = store();
        long events = store.events();
        List<String> sample = store.randomCases(5000);
        System.out.printf(Locale.ROOT, "store: %d events, %d cases%n", events, store.cases());
        List<LoadRun.Result> results = new ArrayList<>();
        for (int clients : clientCounts()) {
            results.add(measure("GET /case/{uuid}", clients,
                    (client, i) -> api.get("/case/" + sample.get(ThreadLocalRandom.current().nextInt(sample.size())))));
            results.add(measure("GET /cases?page=0&size=20", clients,
                    (client, i) -> api.get("/cases?page=0&size=20")));
        }
        print(results);
    }

    /**
     * Fills the store through the API at full speed: each client opens a case, then posts 2 to 12 messages into
     * it (customer and team taking turns), then opens the next. Stops at {@code --events} or {@code --minutes}.
     */
    private void seed() {
        EventStore store = store();
        long target = Long.parseLong(option("events", "10000"));
        long deadline = System.nanoTime() + Duration.ofMinutes(Long.parseLong(option("minutes", "30"))).toNanos();
        int clients = Integer.parseInt(option("clients", "16"));
        long startEvents = store.events();
        AtomicBoolean stop = new AtomicBoolean(startEvents >= target);
        AtomicLong requests = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    String[] kase;
                    try {
                        kase = openCaseForPool();
                    } catch (IllegalStateException e) {
                        errors.incrementAndGet();
                        continue;
                    }
                    requests.incrementAndGet();
                    int messages = 2 + random.nextInt(11);
                    for (int m = 0; m < messages && !stop.get(); m++) {
                        if (!postMessage(kase, m % 2 == 0).ok()) {
                            errors.incrementAndGet();
                        }
                        requests.incrementAndGet();
                    }
                }
            }, "seed-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long began = System.nanoTime();
        long lastEvents = startEvents;
        long lastTime = began;
        long servicePid = Long.parseLong(options.getOrDefault("pid", "0"));
        MachineLoad seedStart = MachineLoad.now(servicePid);
        MachineLoad last = seedStart;
        while (!stop.get()) {
            sleep(Duration.ofSeconds(15));
            long now = System.nanoTime();
            long events = store.events();
            MachineLoad current = MachineLoad.now(servicePid);
            System.out.printf(Locale.ROOT, "%5.0f s  %,d events  %.0f events/s (last 15 s %.0f)  %,d requests  %d errors  load %s, other cores %.2f%n",
                    (now - began) / 1e9, events, (events - startEvents) / ((now - began) / 1e9),
                    (events - lastEvents) / ((now - lastTime) / 1e9), requests.get(), errors.get(), LoadRun.loadAverages(),
                    current.otherCoresSince(last));
            last = current;
            lastEvents = events;
            lastTime = now;
            if (events >= target || now > deadline) {
                stop.set(true);
            }
        }
        threads.forEach(HttpLoadBenchmark::join);
        double seconds = (System.nanoTime() - began) / 1e9;
        long events = store.events();
        System.out.printf(Locale.ROOT, "seeded %,d → %,d events (%,d cases) in %.0f s: %.0f events/s, %.0f requests/s, %d errors, load %s, other cores %.2f%n",
                startEvents, events, store.cases(), seconds, (events - startEvents) / seconds, requests.get() / seconds,
                errors.get(), LoadRun.loadAverages(), MachineLoad.now(servicePid).otherCoresSince(seedStart));
    }

    /** One rebuild of the read models from the event store, timed here and as the service reports it. */
    private void rebuild() {
        EventStore store = store();
        long events = store.events();
        long servicePid = Long.parseLong(options.getOrDefault("pid", "0"));
        String loadBefore = LoadRun.loadAverages();
        MachineLoad before = MachineLoad.now(servicePid);
        long start = System.nanoTime();
        CaseyApi.Answer answer = api.postJson("/admin/read-models/rebuild", "", Duration.ofHours(1));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "rebuild of %,d events: %d in %.1f s (%.0f events/s measured by the client), answer %s;"
                        + " load %s → %s, other cores %.2f%n", events, answer.status(), seconds, events / seconds, answer.body(),
                loadBefore, LoadRun.loadAverages(), MachineLoad.now(servicePid).otherCoresSince(before));
        // the read side must answer as before
        String someCase = store.randomCases(1).get(0);
        CaseyApi.Answer read = api.get("/case/" + someCase);
        System.out.println("GET /case/" + someCase + " after the rebuild: " + read.status());
    }

    // --- requests ---------------------------------------------------------------------------------------------

    private static String customerEmail(int n) {
        return "customer-" + n + "@customers.example";
    }

    private CaseyApi.Answer openCaseRequest() {
        int customer = ThreadLocalRandom.current().nextInt(CUSTOMERS);
        return api.postJson("/cases", """
                {"creator": {"name": "Customer %d", "email": "%s"}, "subject": "%s", "message": "%s"}"""
                .formatted(customer, customerEmail(customer),
                        SUBJECTS[ThreadLocalRandom.current().nextInt(SUBJECTS.length)], MESSAGE));
    }

    /** Opens a case and answers {uuid, creator address}. */
    private String[] openCaseForPool() {
        int customer = ThreadLocalRandom.current().nextInt(CUSTOMERS);
        String uuid = api.openCase("Customer " + customer, customerEmail(customer),
                SUBJECTS[ThreadLocalRandom.current().nextInt(SUBJECTS.length)], MESSAGE);
        return new String[] {uuid, customerEmail(customer)};
    }

    private CaseyApi.Answer postMessage(String[] kase, boolean fromCustomer) {
        String from = fromCustomer ? kase[1] : TEAM.get(ThreadLocalRandom.current().nextInt(TEAM.size()))[1];
        return api.postJson("/case/" + kase[0] + "/messages", """
                {"from": "%s", "message": "%s"}""".formatted(from, fromCustomer ? MESSAGE : ANSWER));
    }

    private List<String[]> openPool(int size) {
        List<String[]> pool = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            Thread t = new Thread(() -> {
                while (pool.size() < size) {
                    pool.add(openCaseForPool());
                }
            });
            threads.add(t);
            t.start();
        }
        threads.forEach(HttpLoadBenchmark::join);
        return List.copyOf(pool);
    }

    // --- plumbing ---------------------------------------------------------------------------------------------

    private LoadRun.Result measure(String name, int clients, LoadRun.Operation operation) {
        Duration warmup = Duration.ofSeconds(Long.parseLong(option("warmup", "15")));
        Duration window = Duration.ofSeconds(Long.parseLong(option("duration", "30")));
        ServiceMemory memory = clients == 16 && options.containsKey("pid")
                ? new ServiceMemory(Long.parseLong(options.get("pid")), api) : null;
        LoadRun.Result result = LoadRun.run(name, clients, warmup, window,
                Long.parseLong(options.getOrDefault("pid", "0")), operation);
        System.out.println(LoadRun.Result.header());
        System.out.println(result.row());
        result.firstErrors().forEach(e -> System.out.println("  error: " + e));
        if (memory != null) {
            memory.close();
            System.out.println("  " + memory.summary());
        }
        if (options.containsKey("db")) {
            // with mail delivery on (MAIL=1): whether the delivery kept up with what the run queued
            System.out.println("  outbox after the run: " + store().outbox());
        }
        return result;
    }

    private static void print(List<LoadRun.Result> results) {
        System.out.println();
        System.out.println(LoadRun.Result.header());
        results.forEach(r -> System.out.println(r.row()));
    }

    private int[] clientCounts() {
        return Arrays.stream(option("clients", "1,4,16").split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private EventStore store() {
        return new EventStore(option("db", "jdbc:postgresql://127.0.0.1:55432/casey"), option("db-user", "casey"),
                option("db-password", "casey-bench"));
    }

    private String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
