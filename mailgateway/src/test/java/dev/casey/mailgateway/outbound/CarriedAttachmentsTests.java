package dev.casey.mailgateway.outbound;

import static dev.casey.mailgateway.outbound.MailFixtures.COMPOSER;
import static dev.casey.mailgateway.outbound.MailFixtures.mail;
import static dev.casey.mailgateway.outbound.MailFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Part;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;

class CarriedAttachmentsTests {

    private static final UUID SCREENSHOT = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final UUID LOG = UUID.fromString("00000000-0000-4000-8000-000000000002");

    private static byte[] png() {
        byte[] bytes = new byte[100_000];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    private static final Map<UUID, byte[]> STORED = Map.of(SCREENSHOT, png(),
            LOG, "line 1\nZeile 2 für Köln\n".getBytes(StandardCharsets.ISO_8859_1));

    private static ComposedMail composed(String body) {
        return COMPOSER.compose(mail(MailKind.MESSAGE).body(body).attachments(List.of(
                new OutgoingMail.Attachment("screen shot.png", "image/PNG; x-junk=1", 100_000, false, SCREENSHOT),
                new OutgoingMail.Attachment("trace.zip", "application/zip", 30_000_000, false, null),
                new OutgoingMail.Attachment("Köln.log", "text/plain; charset=ISO-8859-1", 24, false, LOG))).build());
    }

    /** The mail as it is sent, the content {@code contents} gives put in. */
    private static byte[] filled(byte[] raw, java.util.function.Function<UUID, byte[]> contents) {
        return new CarriedAttachments.Sendable(raw, id -> {
            byte[] content = contents.apply(id);
            return content == null ? null : new java.io.ByteArrayInputStream(content);
        }).toByteArray();
    }

    private static Map<String, MimeBodyPart> attachments(MimeMessage m) throws Exception {
        MimeMultipart mixed = (MimeMultipart) m.getContent();
        Map<String, MimeBodyPart> byName = new HashMap<>();
        for (int i = 1; i < mixed.getCount(); i++) {
            MimeBodyPart part = (MimeBodyPart) mixed.getBodyPart(i);
            assertThat(part.getDisposition()).isEqualTo(Part.ATTACHMENT);
            byName.put(part.getFileName(), part);
        }
        return byName;
    }

    @Test
    void aComposedMailNamesItsCarriedAttachmentsWithoutTheirBytesAndListsTheOthers() throws Exception {
        ComposedMail composed = composed("Here you are.");
        MimeMessage m = parse(composed.raw());

        assertThat(m.isMimeType("multipart/mixed")).isTrue();
        MimeMultipart mixed = (MimeMultipart) m.getContent();
        assertThat(mixed.getBodyPart(0).isMimeType("multipart/alternative")).isTrue();
        Map<String, MimeBodyPart> parts = attachments(m);
        assertThat(parts).containsOnlyKeys("screen shot.png", "Köln.log");
        assertThat(parts.get("screen shot.png").getContentType()).startsWith("image/png;")
                .doesNotContain("x-junk");
        assertThat(parts.get("Köln.log").getContentType()).contains("charset=ISO-8859-1");
        assertThat(parts.get("screen shot.png").getInputStream().readAllBytes()).isEmpty();
        assertThat(composed.rawString()).contains("X-Casey-Attachment-Content: " + SCREENSHOT);
        assertThat(composed.text()).contains("""
                Attached to this message:
                - screen shot.png (97.7 KiB)
                - trace.zip (28.6 MiB, not in this e-mail: kept with the case)
                - Köln.log (24 bytes)
                """);
        assertThat(Jsoup.parse(composed.html()).select("li").eachText()).contains("screen shot.png (97.7 KiB)");
        assertThat(COMPOSER.compose(mail(MailKind.MESSAGE).body("Here you are.").attachments(List.of(
                new OutgoingMail.Attachment("screen shot.png", "image/PNG; x-junk=1", 100_000, false, SCREENSHOT),
                new OutgoingMail.Attachment("trace.zip", "application/zip", 30_000_000, false, null),
                new OutgoingMail.Attachment("Köln.log", "text/plain; charset=ISO-8859-1", 24, false, LOG))).build())
                .raw()).as("deterministic").isEqualTo(composed.raw());
    }

    @Test
    void aFilledMailCarriesTheContentAndNotOurHeader() throws Exception {
        byte[] sent = filled(composed("Here you are.").raw(), STORED::get);
        MimeMessage m = parse(sent);

        Map<String, MimeBodyPart> parts = attachments(m);
        assertThat(parts.get("screen shot.png").getInputStream().readAllBytes()).isEqualTo(STORED.get(SCREENSHOT));
        assertThat(parts.get("Köln.log").getContent()).isEqualTo("line 1\nZeile 2 für Köln\n");
        String raw = new String(sent, StandardCharsets.US_ASCII);
        assertThat(raw).doesNotContain("X-Casey-Attachment").doesNotContainPattern("[^\\x00-\\x7F]");
        assertThat(raw.lines()).allMatch(line -> line.length() <= 998);
        assertThat(((String) ((MimeMultipart) ((MimeMultipart) m.getContent()).getBodyPart(0).getContent())
                .getBodyPart(0).getContent())).contains("Here you are.");
    }

    @Test
    void aLineOfTheTextThatLooksLikeOurHeaderIsText() throws Exception {
        String body = "X-Casey-Attachment-Content: " + LOG + "\nnothing to fill here";
        byte[] sent = filled(composed(body).raw(), STORED::get);
        MimeMessage m = parse(sent);

        String text = (String) ((MimeMultipart) ((MimeMultipart) m.getContent()).getBodyPart(0).getContent())
                .getBodyPart(0).getContent();
        assertThat(text.replace("\r\n", "\n")).contains(body);
        assertThat(attachments(m).get("Köln.log").getContent()).isEqualTo("line 1\nZeile 2 für Köln\n");
    }

    @Test
    void contentThatIsNotStoredLeavesThePartEmptyAndTheMailWhole() throws Exception {
        MimeMessage m = parse(filled(composed("Here you are.").raw(), id -> null));

        assertThat(attachments(m).get("screen shot.png").getInputStream().readAllBytes()).isEmpty();
        assertThat(attachments(m)).hasSize(2);
    }

    @Test
    void mailsAndTextsOfUnknownCharsetGoAsBytesAndLongNamesAreCutKeepingTheirExtension() throws Exception {
        String longName = "漢".repeat(190) + ".pdf";
        byte[] sent = filled(COMPOSER.compose(mail(MailKind.MESSAGE).attachments(List.of(
                new OutgoingMail.Attachment("forwarded.eml", "message/rfc822", 24, false, LOG),
                new OutgoingMail.Attachment("notes.txt", "text/plain", 24, false, LOG),
                new OutgoingMail.Attachment(longName, "application/pdf", 24, false, LOG))).build()).raw(), STORED::get);
        MimeMessage m = parse(sent);

        MimeMultipart mixed = (MimeMultipart) m.getContent();
        // RFC 2046 allows a message/rfc822 part no base64; Jakarta Mail would label a text UTF-8 that may be anything
        assertThat(mixed.getBodyPart(1).getContentType()).startsWith("application/octet-stream");
        assertThat(mixed.getBodyPart(2).getContentType()).startsWith("application/octet-stream");
        assertThat(mixed.getBodyPart(2).getInputStream().readAllBytes()).isEqualTo(STORED.get(LOG));
        assertThat(mixed.getBodyPart(3).getFileName()).isEqualTo("漢".repeat(55) + "….pdf");
        assertThat(new String(sent, StandardCharsets.US_ASCII).split("\r\n")).allMatch(line -> line.length() <= 998);
    }

    @Test
    void aLongNameIsCutBetweenTwoCharactersNotInsideAFlagOrAnAccentedLetter() throws Exception {
        String flags = "\uD83C\uDDE9\uD83C\uDDEA".repeat(40);
        String accents = "e\u0301".repeat(40);
        byte[] raw = COMPOSER.compose(mail(MailKind.MESSAGE).attachments(List.of(
                new OutgoingMail.Attachment("ab" + flags + ".txt", "text/plain; charset=utf-8", 24, false, LOG),
                new OutgoingMail.Attachment(accents + ".txt", "text/plain; charset=utf-8", 24, false, LOG))).build())
                .raw();
        MimeMultipart mixed = (MimeMultipart) parse(raw).getContent();

        // 55 code points are left for the stem: "ab" and 26 and a half flags, 27 and a half accented letters
        assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo("ab" + "\uD83C\uDDE9\uD83C\uDDEA".repeat(26) + "….txt");
        assertThat(mixed.getBodyPart(2).getFileName()).isEqualTo("e\u0301".repeat(27) + "….txt");
    }

    @Test
    void aMailCarryingNothingIsSentAsComposed() {
        byte[] raw = COMPOSER.compose(mail(MailKind.MESSAGE).attachments(List.of(
                new OutgoingMail.Attachment("trace.zip", 30_000_000, false))).build()).raw();

        assertThat(filled(raw, id -> {
            throw new AssertionError("nothing to read");
        })).isSameAs(raw);
    }
}
