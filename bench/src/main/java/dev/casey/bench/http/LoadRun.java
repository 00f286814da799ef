package dev.casey.bench.http;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load: {@code clients} threads each send one request after the other, for a warm-up and then
 * for a measured window. Only requests started inside the window count (their latencies and the rate), so the
 * JIT warm-up and the ramp-up of the connection pool stay out of the figures.
 */
public final class LoadRun {

    /** One request of one client; a 2xx answer counts as a success, anything else as an error. */
    @FunctionalInterface
    public interface Operation {
        CaseyApi.Answer call(int client, long iteration);
    }

    /** What a run measured. */
    public record Result(String name, int clients, double seconds, long ok, long errors, Latencies latencies,
                         String loadBefore, String loadAfter, double otherCores, double serviceCpu,
                         double postgresCpu, double driverCpu, List<String> firstErrors) {

        public double rate() {
            return ok / seconds;
        }

        /** One row of the README's tables. */
        public String row() {
            return String.format(Locale.ROOT,
                    "| %s | %d | %.0f s | %.1f/s | %.1f | %.1f | %.1f | %.1f | %d | %s → %s | %.2f | %.2f | %.2f | %.2f |",
                    name, clients, seconds, rate(), latencies.percentileMillis(50), latencies.percentileMillis(95),
                    latencies.percentileMillis(99), latencies.maxMillis(), errors, loadBefore, loadAfter, otherCores,
                    perRequestMillis(serviceCpu), perRequestMillis(postgresCpu), perRequestMillis(driverCpu));
        }

        /** CPU seconds of the window per request in it, in milliseconds. */
        private double perRequestMillis(double cpuSeconds) {
            return cpuSeconds * 1000 / Math.max(1, ok + errors);
        }

        public static String header() {
            return "| run | clients | window | rate | p50 ms | p95 ms | p99 ms | max ms | errors | load before → after"
                    + " | other cores | caseyd CPU ms/req | PostgreSQL CPU ms/req | driver CPU ms/req |\n"
                    + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";
        }
    }

    private LoadRun() {
    }

    /**
     * Runs the load. {@code servicePid} (0: unknown) tells the service's CPU time from that of other processes:
     * "other cores" in the result is what the rest of the machine used during the measured window.
     */
    public static Result run(String name, int clients, Duration warmup, Duration window, long servicePid,
                             Operation operation) {
        String loadBefore = loadAverage();
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long measureUntil = measureFrom + window.toNanos();
        List<Latencies> perClient = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Latencies latencies = new Latencies();
            perClient.add(latencies);
            int client = c;
            Thread thread = new Thread(() -> {
                long iteration = 0;
                while (true) {
                    long begin = System.nanoTime();
                    if (begin >= measureUntil) {
                        return;
                    }
                    CaseyApi.Answer answer = operation.call(client, iteration++);
                    long took = System.nanoTime() - begin;
                    if (begin < measureFrom) {
                        continue;
                    }
                    if (answer.ok()) {
                        latencies.record(took);
                    } else {
                        errors.incrementAndGet();
                        if (firstErrors.size() < 5) {
                            firstErrors.add(answer.status() + " " + abbreviate(answer.body()));
                        }
                    }
                }
            }, name + "-" + c);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        sleepUntil(measureFrom);
        MachineLoad windowStart = MachineLoad.now(servicePid);
        sleepUntil(measureUntil);
        MachineLoad windowEnd = MachineLoad.now(servicePid);
        double otherCores = windowEnd.otherCoresSince(windowStart);
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        Latencies all = Latencies.merge(perClient);
        return new Result(name, clients, window.toNanos() / 1e9, all.count(), errors.get(), all, loadBefore,
                loadAverage(), otherCores, windowEnd.serviceCpuSince(windowStart), windowEnd.postgresCpuSince(windowStart),
                windowEnd.driverCpuSince(windowStart), List.copyOf(firstErrors));
    }

    private static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            try {
                Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The 1-minute load average of the machine, as {@code uptime} shows it. */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }

    /** All three load averages, for the log. */
    public static String loadAverages() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "?";
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
