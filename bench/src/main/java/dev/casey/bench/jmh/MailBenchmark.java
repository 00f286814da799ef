package dev.casey.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** How the JMH benchmarks (mail, read-model JSON) run, inherited by each: throughput and average time, two forks. */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
// the stream provider named as caseyd names it (CaseyApplication): without it every MIME part looks it up anew
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m",
        "-Djakarta.mail.util.StreamProvider=org.eclipse.angus.mail.util.MailStreamProvider"})
public abstract class MailBenchmark {
}
