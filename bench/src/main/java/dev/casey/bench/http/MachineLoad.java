package dev.casey.bench.http;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * How much CPU the rest of the machine took during a run, from {@code /proc}: all busy CPU time minus that of the
 * benchmark's own processes (this driver, caseyd, PostgreSQL's processes, the SMTP sink of mail-on runs). The
 * load average cannot tell that: it counts the benchmark's own busy threads too. Another engineer's build shows up here as "other cores".
 */
public final class MachineLoad {

    /** USER_HZ: the unit of /proc's CPU times on Linux. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final long busyTicks;
    private final Map<Long, Long> oursTicks;
    private final long servicePid;
    private final Set<Long> postgresPids;
    private final long nanos;

    private MachineLoad(long busyTicks, Map<Long, Long> oursTicks, long servicePid, Set<Long> postgresPids,
                        long nanos) {
        this.busyTicks = busyTicks;
        this.oursTicks = oursTicks;
        this.servicePid = servicePid;
        this.postgresPids = postgresPids;
        this.nanos = nanos;
    }

    /** A snapshot; {@code servicePid} is caseyd's (0: unknown, then only this driver and PostgreSQL count as ours). */
    public static MachineLoad now(long servicePid) {
        Map<Long, Long> ours = new HashMap<>();
        Set<Long> postgres = new HashSet<>();
        Set<Long> mine = Set.of(ProcessHandle.current().pid(), servicePid);
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                try {
                    boolean isPostgres = isPostgres(proc);
                    if (mine.contains(pid) || isPostgres || isSmtpSink(proc)) {
                        ours.put(pid, processTicks(proc));
                    }
                    if (isPostgres) {
                        postgres.add(pid);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
            return new MachineLoad(busyTicks(), ours, servicePid, postgres, System.nanoTime());
        } catch (IOException e) {
            return new MachineLoad(-1, Map.of(), servicePid, Set.of(), System.nanoTime());
        }
    }

    /** The cores (0 … 2 here) the rest of the machine kept busy on average since {@code earlier}. */
    public double otherCoresSince(MachineLoad earlier) {
        if (busyTicks < 0 || earlier.busyTicks < 0) {
            return Double.NaN;
        }
        long ours = 0;
        for (Map.Entry<Long, Long> e : oursTicks.entrySet()) {
            ours += e.getValue() - earlier.oursTicks.getOrDefault(e.getKey(), 0L);
        }
        double seconds = (nanos - earlier.nanos) / 1e9;
        return Math.max(0, (busyTicks - earlier.busyTicks - ours) / TICKS_PER_SECOND / seconds);
    }

    /**
     * The CPU seconds caseyd used since {@code earlier}: per request, the work a request takes beside the rate at
     * which the machine got through it (which also depends on PostgreSQL, the driver and the machine's own speed).
     */
    public double serviceCpuSince(MachineLoad earlier) {
        return servicePid == 0 ? Double.NaN : ticksSince(earlier, Set.of(servicePid));
    }

    /** The CPU seconds all processes of the benchmark's PostgreSQL cluster used since {@code earlier}. */
    public double postgresCpuSince(MachineLoad earlier) {
        return ticksSince(earlier, postgresPids);
    }

    /**
     * The CPU seconds this driver used since {@code earlier}: it runs on the same cores as caseyd and PostgreSQL, and
     * what it takes per request is not left to them.
     */
    public double driverCpuSince(MachineLoad earlier) {
        return ticksSince(earlier, Set.of(ProcessHandle.current().pid()));
    }

    private double ticksSince(MachineLoad earlier, Set<Long> pids) {
        long ticks = 0;
        for (long pid : pids) {
            if (oursTicks.containsKey(pid)) { // a process that ended meanwhile took its CPU time with it
                ticks += oursTicks.get(pid) - earlier.oursTicks.getOrDefault(pid, 0L);
            }
        }
        return ticks / TICKS_PER_SECOND;
    }

    private static boolean isPostgres(Path proc) throws IOException {
        // the benchmark cluster only (pg-cluster.sh): its postmaster and backends name it; an embedded PostgreSQL of
        // somebody's test run does not
        return Files.readString(proc.resolve("comm")).startsWith("postgres")
                && Files.readString(proc.resolve("cmdline")).contains("15/bench");
    }

    private static boolean isSmtpSink(Path proc) throws IOException {
        return Files.readString(proc.resolve("cmdline")).contains("dev.casey.bench.mail.SmtpSink");
    }

    private static long processTicks(Path proc) throws IOException {
        String stat = Files.readString(proc.resolve("stat"));
        // the fields after the command name, which is in parentheses and may contain spaces
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    }

    private static long busyTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            if (i != 4 && i != 5) { // idle and iowait are not busy
                busy += Long.parseLong(f[i]);
            }
        }
        return busy;
    }
}
