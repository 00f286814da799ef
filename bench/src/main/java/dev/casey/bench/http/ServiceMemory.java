package dev.casey.bench.http;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Samples the memory of the running service every two seconds while a load runs: the resident set of its
 * process ({@code VmRSS} in {@code /proc/<pid>/status}) and the JVM's own {@code jvm.memory.used} (heap and
 * non-heap, from {@code /actuator/metrics/jvm.memory.used}).
 */
public final class ServiceMemory implements AutoCloseable {

    private static final Pattern VALUE = Pattern.compile("\"statistic\"\\s*:\\s*\"VALUE\"\\s*,\\s*\"value\"\\s*:\\s*([0-9.Ee+]+)");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    private final long pid;
    private final CaseyApi api;
    private final Thread thread;
    private volatile boolean running = true;
    private long samples;
    private double rssMaxMiB;
    private double rssSumMiB;
    private double usedMaxMiB;
    private double usedSumMiB;
    private double heapMaxMiB;
    private long usedSamples;

    public ServiceMemory(long pid, CaseyApi api) {
        this.pid = pid;
        this.api = api;
        this.thread = new Thread(this::sample, "memory-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        while (running) {
            double rss = rssMiB();
            double used = metricMiB("jvm.memory.used");
            double heap = metricMiB("jvm.memory.used?tag=area:heap");
            synchronized (this) {
                if (rss > 0) {
                    samples++;
                    rssSumMiB += rss;
                    rssMaxMiB = Math.max(rssMaxMiB, rss);
                }
                if (used > 0) {
                    usedSamples++;
                    usedSumMiB += used;
                    usedMaxMiB = Math.max(usedMaxMiB, used);
                    heapMaxMiB = Math.max(heapMaxMiB, heap);
                }
            }
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private double rssMiB() {
        try {
            Matcher m = RSS.matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
            return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private double metricMiB(String name) {
        CaseyApi.Answer a = api.getOutside("/actuator/metrics/" + name);
        if (!a.ok()) {
            return -1;
        }
        Matcher m = VALUE.matcher(a.body());
        return m.find() ? Double.parseDouble(m.group(1)) / (1024 * 1024) : -1;
    }

    public synchronized String summary() {
        return String.format(Locale.ROOT,
                "memory (%d samples): RSS avg %.0f MiB, max %.0f MiB; jvm.memory.used avg %.0f MiB, max %.0f MiB (heap max %.0f MiB)",
                samples, samples == 0 ? 0 : rssSumMiB / samples, rssMaxMiB,
                usedSamples == 0 ? 0 : usedSumMiB / usedSamples, usedMaxMiB, heapMaxMiB);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
