package dev.casey.mailgateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTextTests {

    @Test
    void givenParagraphsAndBreaks_whenConverted_thenLinesAndBlankLinesRemain() {
        assertThat(HtmlText.toText("<p>One<br>Two</p><p>Three</p><div>Four</div><div>Five</div>"))
                .isEqualTo("One\nTwo\n\nThree\n\nFour\nFive");
    }

    @Test
    void givenLinks_whenConverted_thenTargetsAppearOnlyWhenTheyDifferFromTheText() {
        String html = "<a href=\"https://example.com/a\">docs</a> "
                + "<a href=\"https://www.example.com/\">www.example.com</a> "
                + "<a href=\"mailto:jane@example.com\">jane@example.com</a> "
                + "<a href=\"mailto:jane@example.com\">Jane</a> "
                + "<a href=\"#top\">top</a> "
                + "<a href=\"https://example.com/x\"><img src=\"logo.png\"></a>";

        assertThat(HtmlText.toText(html))
                .isEqualTo("docs (https://example.com/a) www.example.com jane@example.com Jane (jane@example.com) top");
    }

    @Test
    void givenStyleScriptAndHead_whenConverted_thenTheyAreStripped() {
        String html = "<html><head><title>T</title><style>.a{color:red}</style></head>"
                + "<body><script>var x = 1;</script><noscript>enable js</noscript>Visible</body></html>";

        assertThat(HtmlText.toText(html)).isEqualTo("Visible");
    }

    @Test
    void givenBlockquotes_whenConverted_thenTheyBecomeQuotedLines() {
        String html = "Reply<blockquote><p>Level one</p><blockquote>Level two</blockquote></blockquote>After";

        assertThat(HtmlText.toText(html)).isEqualTo("Reply\n\n> Level one\n>\n>> Level two\n\nAfter");
    }

    @Test
    void givenListsTablesAndPre_whenConverted_thenTheirStructureIsKept() {
        String html = "<ul><li>apple</li><li> pear</li></ul><ol><li>first</li><li>second</li></ol>"
                + "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>"
                + "<pre>  indented\n    code</pre>";

        assertThat(HtmlText.toText(html))
                .isEqualTo("- apple\n- pear\n\n1. first\n2. second\n\na b\nc d\n\n  indented\n    code");
    }

    @Test
    void givenEntitiesNonBreakingSpacesAndInvisibleCharacters_whenConverted_thenPlainCharactersRemain() {
        assertThat(HtmlText.toText("<p>Tom&nbsp;&amp;&nbsp;Jerry&#8203; &lt;3&zwnj;</p>")).isEqualTo("Tom & Jerry <3");
    }

    @Test
    void givenBrokenMarkup_whenConverted_thenTheTextIsStillThere() {
        // The div closes the open paragraph, so "tail" starts a new one.
        assertThat(HtmlText.toText("<div><p>unclosed <b>bold <i>both</div> tail"))
                .isEqualTo("unclosed bold both\n\ntail");
    }
}
