package dev.casey.mailgateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MailCharsetsTests {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "utf8, UTF-8",
        "UTF-8, UTF-8",
        "'\"utf-8\"', UTF-8",
        "gb2312, GB18030",
        "GBK, GB18030",
        "ks_c_5601-1987, x-windows-949",
        "euc-kr, x-windows-949",
        "iso-8859-8-i, ISO-8859-8",
        "iso-8859-1, windows-1252",
        "us-ascii, windows-1252",
        "latin1, windows-1252",
        "shift_jis, windows-31j",
        "iso-2022-jp, x-windows-iso2022jp",
        "cp-1250, windows-1250",
        "win-1251, windows-1251",
        "koi8-r, KOI8-R",
        "windows-1258, windows-1258",
        "utf-8*de, UTF-8",
    })
    void givenLabelFromTheWild_whenLookedUp_thenTheRightCharsetIsFound(String label, String javaName) {
        assertThat(MailCharsets.forLabel(label)).contains(Charset.forName(javaName));
    }

    @Test
    void givenUnknownOrMissingLabel_whenLookedUp_thenThereIsNone() {
        assertThat(MailCharsets.forLabel("x-made-up")).isEmpty();
        assertThat(MailCharsets.forLabel(null)).isEmpty();
        assertThat(MailCharsets.forLabel("  ")).isEmpty();
        assertThat(MailCharsets.forLabel("unicode-1-1-utf-7")).isEmpty();
        assertThat(MailCharsets.isUtf7("unicode-1-1-utf-7")).isTrue();
    }

    @Test
    void givenNoLabel_whenDecoded_thenTheContentDecides() {
        assertThat(MailCharsets.decode("plain".getBytes(StandardCharsets.US_ASCII), null)).isEqualTo("plain");
        assertThat(MailCharsets.decode("Grüße".getBytes(StandardCharsets.UTF_8), null)).isEqualTo("Grüße");
        assertThat(MailCharsets.decode("Grüße".getBytes(StandardCharsets.ISO_8859_1), null)).isEqualTo("Grüße");
        assertThat(MailCharsets.decode("\u20AC 5".getBytes(Charset.forName("windows-1252")), "")).isEqualTo("\u20AC 5");
    }

    @Test
    void givenUtf8LabelledLatin1_whenDecoded_thenWindows1252Rescues() {
        assertThat(MailCharsets.decode("Grüße".getBytes(StandardCharsets.ISO_8859_1), "utf-8")).isEqualTo("Grüße");
    }

    @Test
    void givenLatin1LabelledUtf8_whenDecoded_thenUtf8Wins() {
        assertThat(MailCharsets.decode("Grüße".getBytes(StandardCharsets.UTF_8), "iso-8859-1")).isEqualTo("Grüße");
    }

    @Test
    void givenShortGbkText_whenDecoded_thenTheLabelIsKept() {
        assertThat(MailCharsets.decode("测试".getBytes(Charset.forName("GBK")), "gb2312")).isEqualTo("测试");
    }

    @Test
    void givenGbkLabelledUtf8WithManyCharacters_whenDecoded_thenUtf8Wins() {
        assertThat(MailCharsets.decode("这是一个测试".getBytes(StandardCharsets.UTF_8), "gb2312"))
                .isEqualTo("这是一个测试");
    }

    @Test
    void givenIso2022JpLabelWithEightBitShiftJisBytes_whenDecoded_thenShiftJisIsUsed() {
        byte[] shiftJis = "ツール".getBytes(Charset.forName("windows-31j"));

        assertThat(MailCharsets.decode(shiftJis, "ISO-2022-JP")).isEqualTo("ツール");
    }

    @Test
    void givenIso2022JpWithNecCharacters_whenDecoded_thenTheyAreKept() {
        byte[] jis = "①１都".getBytes(Charset.forName("x-windows-iso2022jp"));

        assertThat(MailCharsets.decode(jis, "iso-2022-jp")).isEqualTo("①１都");
    }

    @Test
    void givenUtf7_whenDecoded_thenItIsDecoded() {
        assertThat(MailCharsets.decode("Hi Mom -+Jjo--!  A+ImIDkQ. 1 +- 1".getBytes(StandardCharsets.US_ASCII),
                "unicode-1-1-utf-7")).isEqualTo("Hi Mom -\u263A-!  A\u2262\u0391. 1 + 1");
    }

    @Test
    void givenHtmlWithMetaCharset_whenSniffed_thenTheDeclaredCharsetIsFound() {
        byte[] html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\"></head>"
                .getBytes(StandardCharsets.US_ASCII);

        assertThat(MailCharsets.sniffHtmlCharset(html)).contains("gbk");
        assertThat(MailCharsets.sniffHtmlCharset("<p>x</p>".getBytes(StandardCharsets.US_ASCII))).isEmpty();
    }
}
