package dev.casey.mailgateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The parser's promise is that nothing but {@link UnparseableMailException} ever leaves it. Mutated
 * mails (flipped bytes, truncation, cut-out ranges, inserted MIME syntax, doubled content) probe
 * that promise; the seed is fixed so that a failure can be reproduced.
 */
class ParserRobustnessTests {

    private static final long SEED = 20240305L;
    private static final int MUTATIONS = 1500;
    private static final String[] SYNTAX = {"=?", "?=", "=?utf-8?B?", "\"", "<", ">", "(", ")", "\\", "--", "\n\n",
        ";", "*0*=", "%", "=", "\r", "\n ", "begin 644 x\n", "Content-Type: multipart/mixed; boundary=x\n", "--x\n"};

    private final InboundMailParser parser = new InboundMailParser(10_000_000, 1_000_000);

    @Test
    void givenMutatedMails_whenParsed_thenOnlyUnparseableMailExceptionIsEverThrown() throws IOException {
        List<byte[]> seeds = seeds();
        Random random = new Random(SEED);
        List<String> failures = new ArrayList<>();
        int parsed = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] mutated = mutate(seeds.get(random.nextInt(seeds.size())), random);
            try {
                InboundMail mail = parser.parse(mutated);
                assertThat(mail.subject()).isNotNull();
                assertThat(mail.text()).isNotNull();
                assertThat(mail.reply().isEmpty()).isEqualTo(mail.text().isBlank());
                parsed++;
            } catch (UnparseableMailException refused) {
                // The one allowed outcome besides a result.
            } catch (RuntimeException | StackOverflowError | AssertionError unexpected) {
                failures.add("mutation " + i + ": " + unexpected);
            }
        }

        assertThat(failures).isEmpty();
        assertThat(parsed).as("mutations that still parse").isGreaterThan(MUTATIONS / 2);
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] bytes = seed.clone();
        switch (random.nextInt(5)) {
            case 0 -> {
                for (int k = 0; k < 1 + random.nextInt(20); k++) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
                return bytes;
            }
            case 1 -> {
                return Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
            }
            case 2 -> {
                int start = random.nextInt(bytes.length);
                int length = random.nextInt(Math.max(1, bytes.length - start));
                byte[] cut = new byte[bytes.length - length];
                System.arraycopy(bytes, 0, cut, 0, start);
                System.arraycopy(bytes, start + length, cut, start, bytes.length - start - length);
                return cut;
            }
            case 3 -> {
                StringBuilder text = new StringBuilder(new String(bytes, StandardCharsets.ISO_8859_1));
                for (int k = 0; k < 10; k++) {
                    text.insert(random.nextInt(text.length() + 1), SYNTAX[random.nextInt(SYNTAX.length)]);
                }
                return text.toString().getBytes(StandardCharsets.ISO_8859_1);
            }
            default -> {
                byte[] doubled = Arrays.copyOf(bytes, bytes.length * 2);
                System.arraycopy(bytes, 0, doubled, bytes.length, bytes.length);
                return doubled;
            }
        }
    }

    /** Built-in samples, plus the real-world corpus when it is there. */
    private static List<byte[]> seeds() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        for (String sample : SAMPLES) {
            seeds.add(sample.getBytes(StandardCharsets.UTF_8));
        }
        for (Path folder : List.of(Path.of("..", "..", "shared", "mail-corpus", "zammad"),
                Path.of("..", "shared", "mail-corpus", "zammad"))) {
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.list(folder)) {
                    for (Path file : files.filter(path -> path.toString().endsWith(".box")).sorted().toList()) {
                        seeds.add(Files.readAllBytes(file));
                    }
                }
                break;
            }
        }
        return seeds;
    }

    private static final List<String> SAMPLES = List.of("""
            From: =?iso-8859-1?Q?B=FCrling,_Andreas?= <andreas@example.com>
            To: "Support, Team" <support@example.com>, bob@example.com (Bob)
            Subject: =?UTF-8?B?R3LDvMOfZQ==?= and more
            Message-ID: <a@b>
            Content-Type: multipart/mixed; boundary="outer"

            --outer
            Content-Type: multipart/alternative; boundary="alt"

            --alt
            Content-Type: text/plain; charset=utf-8; format=flowed

            Hello \n> quoted
            -- \nSig
            --alt
            Content-Type: text/html; charset=utf-8

            <p>Hello <a href="https://example.com">link</a></p><blockquote>old</blockquote>
            --alt--
            --outer
            Content-Type: application/pdf; name*0*=utf-8''a%C3%A4; name*1=".pdf"
            Content-Transfer-Encoding: base64

            JVBERi0=
            --outer
            Content-Type: message/rfc822

            From: x@example.com
            Subject: inner

            inner text
            --outer--
            """, """
            From: MAILER-DAEMON@example.com (Mail Delivery System)
            Subject: Undelivered Mail Returned to Sender
            Content-Type: multipart/report; report-type=delivery-status; boundary=R

            --R
            Content-Type: text/plain

            <gone@example.org>: 550 5.1.1 unknown
            --R
            Content-Type: message/delivery-status

            Final-Recipient: rfc822; gone@example.org
            Action: failed
            Status: 5.1.1
            --R--
            """, """
            From: a@example.com
            Content-Type: text/plain; charset=x-uuencode-me
            Content-Transfer-Encoding: x-uuencode

            begin 644 hello.txt
            ,2&5L;&\\@6F%M;6%D
            `
            end
            """);
}
