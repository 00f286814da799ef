package dev.casey.bench.jmh;

import dev.casey.mailgateway.inbound.InboundMail;
import dev.casey.mailgateway.inbound.InboundMailParser;
import dev.casey.mailgateway.inbound.UnparseableMailException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * {@link InboundMailParser#parse(byte[])} on three representative raw mails (resources under {@code mails/}):
 * a plain-text reply with a quoted history and a signature, an Outlook-style HTML-only reply, and a
 * Thunderbird multipart/mixed reply with a 48 KiB PDF attachment. Every inbound mail, IMAP or HTTP, goes
 * through this once.
 */
public class InboundMailParsingBenchmark extends MailBenchmark {

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
