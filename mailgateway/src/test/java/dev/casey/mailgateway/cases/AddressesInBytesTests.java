package dev.casey.mailgateway.cases;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressesInBytesTests {

    private final AddressesInBytes team = AddressesInBytes.of(List.of("tim@team.tld", "anna.bell@team.tld"));

    @ParameterizedTest
    @ValueSource(strings = {"Reach me: tim@team.tld", "Reach me: Tim@Team.tld", "REACH ME: TIM@TEAM.TLD",
            "<\"tim\"@team.tld>", "mailto:tim%40team.tld", "mailto:Tim%2540team.tld", "<a>tim&#64;team.tld</a>",
            "tim&#x40;team.tld", "tim&commat;team.tld", "cc: Anna.Bell@TEAM.tld"})
    void aTeamAddressInAnyCaseAndSpellingIsFound(String text) {
        for (Charset charset : List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16, StandardCharsets.UTF_16LE,
                StandardCharsets.UTF_16BE)) {
            assertThat(mayShow(text.getBytes(charset))).as(text + " in " + charset).isTrue();
        }
    }

    @Test
    void otherAddressesAndTextAreNot() {
        assertThat(mayShow("customer@example.org tim@team.tl anna@team.tld team.tld tim@".getBytes(
                StandardCharsets.UTF_16LE))).isFalse();
        assertThat(mayShow("line 1\nline 2\n".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(mayShow(new byte[0])).isFalse();
    }

    @Test
    void anAddressAcrossTwoPartsIsFound() {
        byte[] text = "some log\nlogin as Tim@Team.tld\n".getBytes(StandardCharsets.UTF_16BE);
        for (int cut = 0; cut <= text.length; cut++) {
            AddressesInBytes.Scan scan = team.scan("log.txt");
            boolean early = scan.mayShow(Arrays.copyOfRange(text, 0, cut));
            assertThat(early || scan.mayShow(Arrays.copyOfRange(text, cut, text.length))).as("cut at " + cut).isTrue();
        }
    }

    @Test
    void anAddressFarIntoALargeBinaryFileIsFound() {
        byte[] noise = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(noise);
        for (int i = 0; i < noise.length; i++) {
            // nothing that looks like a packed format by chance
            noise[i] = (byte) (noise[i] & 0x3F | 0x40);
        }
        assertThat(mayShow(noise)).isFalse();
        byte[] address = "TIM@team.tld".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(address, 0, noise, noise.length - 100, address.length);
        assertThat(mayShow(noise)).isTrue();
    }

    @Test
    void zipBasedDocumentsAndArchivesMayShowOneUnseen() throws IOException {
        // a .docx's properties name its author, deflated: no byte of the address is there as such
        ByteArrayOutputStream docx = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(docx)) {
            zip.setLevel(Deflater.BEST_COMPRESSION);
            zip.putNextEntry(new ZipEntry("docProps/core.xml"));
            zip.write("<dc:creator>tim@team.tld tim@team.tld tim@team.tld</dc:creator>".getBytes(
                    StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        assertThat(new String(docx.toByteArray(), StandardCharsets.ISO_8859_1)).doesNotContain("tim@team.tld");
        assertThat(mayShow(docx.toByteArray())).isTrue();
        // as is an empty zip, and one after something else (a self-extracting archive)
        ByteArrayOutputStream empty = new ByteArrayOutputStream();
        new ZipOutputStream(empty).close();
        assertThat(mayShow(empty.toByteArray())).isTrue();
        byte[] selfExtracting = new byte[2 * 1024 * 1024];
        System.arraycopy(docx.toByteArray(), 0, selfExtracting, 1024 * 1024 + 5, docx.size());
        assertThat(mayShow(selfExtracting)).isTrue();
    }

    @Test
    void compressedFilesAndPdfsMayShowOneUnseen() throws IOException {
        ByteArrayOutputStream gzip = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
            out.write("nothing here".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(mayShow(gzip.toByteArray())).isTrue();
        assertThat(mayShow("%PDF-1.7\n1 0 obj << /Filter /FlateDecode >> stream\nx\u009c...".getBytes(
                StandardCharsets.ISO_8859_1))).isTrue();
        assertThat(mayShow(("junk before the header\n%PDF-1.4\n").getBytes(StandardCharsets.ISO_8859_1))).isTrue();
        assertThat(mayShow(new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0, 1, 2})).isTrue();
        assertThat(mayShow(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 1, 2})).isTrue();
        assertThat(mayShow(new byte[] {'B', 'Z', 'h', '9', 1, 2})).isTrue();
        assertThat(mayShow(new byte[] {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C, 0})).isTrue();
        assertThat(mayShow(new byte[] {'R', 'a', 'r', '!', 0x1A, 0x07, 0})).isTrue();
        byte[] tar = new byte[1024];
        System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, tar, 257, 5);
        assertThat(mayShow(tar)).isTrue();
        // brotli has no signature: its name tells
        assertThat(team.scan("log.txt.br").mayShow()).isTrue();
    }

    private boolean mayShow(byte[] content) {
        AddressesInBytes.Scan scan = team.scan("file");
        for (int offset = 0; offset < content.length; offset += 1024 * 1024) {
            if (scan.mayShow(Arrays.copyOfRange(content, offset, Math.min(content.length, offset + 1024 * 1024)))) {
                return true;
            }
        }
        return scan.mayShow();
    }
}
