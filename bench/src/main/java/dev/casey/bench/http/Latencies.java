package dev.casey.bench.http;

import java.util.Arrays;

/**
 * Every latency of a run, in nanoseconds, kept whole (a run has at most some 10^6 requests) so that the
 * percentiles are exact rather than bucketed. One instance per client thread, merged at the end.
 */
public final class Latencies {

    private long[] nanos = new long[1 << 14];
    private int count;

    public void record(long value) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, nanos.length * 2);
        }
        nanos[count++] = value;
    }

    public int count() {
        return count;
    }

    public static Latencies merge(Iterable<Latencies> parts) {
        Latencies all = new Latencies();
        for (Latencies part : parts) {
            for (int i = 0; i < part.count; i++) {
                all.record(part.nanos[i]);
            }
        }
        Arrays.sort(all.nanos, 0, all.count);
        return all;
    }

    /** The percentile in milliseconds (nearest rank) of a merged, sorted instance. */
    public double percentileMillis(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * count);
        return nanos[Math.max(0, Math.min(count - 1, rank - 1))] / 1e6;
    }

    public double maxMillis() {
        return count == 0 ? Double.NaN : nanos[count - 1] / 1e6;
    }
}
