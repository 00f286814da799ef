package dev.casey.bench.jmh;

import dev.casey.mailgateway.inbound.InboundMail;
import dev.casey.mailgateway.inbound.InboundMailParser;
import dev.casey.mailgateway.inbound.UnparseableMailException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link InboundMailParser#parse(byte[])} on three representative raw mails (resources under {@code mails/}):
 * a plain-text reply with a quoted history and a signature, an Outlook-style HTML-only reply, and a
 * Thunderbird multipart/mixed reply with a 48 KiB PDF attachment. Every inbound mail, IMAP or HTTP, goes
 * through this once.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
// the stream provider named as caseyd names it (CaseyApplication): without it every MIME part looks it up anew
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m",
        "-Djakarta.mail.util.StreamProvider=org.eclipse.angus.mail.util.MailStreamProvider"})
public class InboundMailParsingBenchmark {

    @Param({"plain-reply-with-quote", "html-only", "multipart-with-attachment"})
    public String mail;

    private final InboundMailParser parser = new InboundMailParser();
    private byte[] raw;

    @Setup
    public void load() throws UnparseableMailException {
        raw = resource("mails/" + mail + ".eml");
        // A benchmark of a parse that silently went wrong would measure nothing useful: check what came out.
        InboundMail parsed = parser.parse(raw);
        if (parsed.from() == null || parsed.inReplyTo().isEmpty() || parsed.reply().isBlank()
                || parsed.reply().contains("Reply above this line")) {
            throw new IllegalStateException(mail + " did not parse as a reply: " + parsed);
        }
        if (mail.equals("multipart-with-attachment") && parsed.attachments().size() != 1) {
            throw new IllegalStateException(mail + " lost its attachment: " + parsed.attachments());
        }
    }

    @Benchmark
    public InboundMail parse() throws UnparseableMailException {
        return parser.parse(raw);
    }

    static byte[] resource(String name) {
        try (InputStream in = InboundMailParsingBenchmark.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
