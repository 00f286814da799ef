package dev.casey.mailgateway.inbound;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * Readable plain text from an HTML mail body. Jsoup's own {@code Element.text()} flattens
 * everything into one line, which would destroy the paragraph structure that reply cutting and
 * human readers rely on, so the document is walked here: blocks become lines, paragraphs become
 * blank lines, blockquotes become "> " quotes, and links keep their target when it is not already
 * the link text.
 */
final class HtmlText {

    private static final Set<String> DROPPED = Set.of("script", "style", "head", "title", "template", "noscript",
            "object", "embed", "iframe", "svg", "math", "select", "button", "xml");
    private static final Set<String> PARAGRAPHS = Set.of("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
            "dl", "table", "pre", "blockquote", "hr", "address", "figure", "fieldset", "form");
    private static final Set<String> LINES = Set.of("div", "section", "article", "header", "footer", "main",
            "nav", "aside", "li", "dt", "dd", "tr", "center", "tbody", "thead", "tfoot", "caption", "details",
            "summary", "figcaption", "legend");

    private HtmlText() {
    }

    static String toText(String html) {
        Document document = Jsoup.parse(html);
        document.select(String.join(",", DROPPED)).remove();
        Element root = document.body() == null ? document : document.body();
        Writer writer = new Writer();
        NodeTraversor.traverse(writer, root);
        return PlainText.tidy(writer.out.toString());
    }

    private static final class Writer implements NodeVisitor {

        private final StringBuilder out = new StringBuilder();
        private final Deque<Integer> linkStarts = new ArrayDeque<>();
        private final Deque<Integer> listCounters = new ArrayDeque<>();
        private int pendingBreaks;
        private int quoteDepth;
        private int preDepth;
        private boolean atLineStart = true;
        private int trailingNewLines;
        private boolean firstCell = true;

        @Override
        public void head(Node node, int depth) {
            if (node instanceof TextNode text) {
                writeText(preDepth > 0 ? text.getWholeText() : collapse(text.getWholeText()));
                return;
            }
            if (!(node instanceof Element element)) {
                return;
            }
            String tag = element.normalName();
            switch (tag) {
                case "br" -> {
                    flushBreaks();
                    newLine();
                }
                case "a" -> linkStarts.push(out.length());
                case "blockquote" -> {
                    // The blank line before a quote belongs to the outer text, so it gets no "> ".
                    requestBreaks(2);
                    flushBreaks();
                    quoteDepth++;
                }
                case "pre" -> {
                    requestBreaks(2);
                    preDepth++;
                }
                case "ol" -> {
                    requestBreaks(2);
                    listCounters.push(0);
                }
                case "ul" -> {
                    requestBreaks(2);
                    listCounters.push(-1);
                }
                case "li" -> {
                    requestBreaks(1);
                    int counter = listCounters.isEmpty() ? -1 : listCounters.pop();
                    if (counter >= 0) {
                        listCounters.push(counter + 1);
                        writeText((counter + 1) + ". ");
                    } else {
                        listCounters.push(counter);
                        writeText("- ");
                    }
                }
                case "tr" -> {
                    requestBreaks(1);
                    firstCell = true;
                }
                case "td", "th" -> {
                    if (!firstCell) {
                        writeText(" ");
                    }
                    firstCell = false;
                }
                case "img" -> {
                    // Images carry no text; their alt text is mostly "logo" or a tracking pixel's noise.
                }
                default -> {
                    if (PARAGRAPHS.contains(tag)) {
                        requestBreaks(2);
                    } else if (LINES.contains(tag)) {
                        requestBreaks(1);
                    }
                }
            }
        }

        @Override
        public void tail(Node node, int depth) {
            if (!(node instanceof Element element)) {
                return;
            }
            String tag = element.normalName();
            switch (tag) {
                case "a" -> closeLink(element);
                case "blockquote" -> {
                    quoteDepth = Math.max(0, quoteDepth - 1);
                    requestBreaks(2);
                }
                case "pre" -> {
                    preDepth = Math.max(0, preDepth - 1);
                    requestBreaks(2);
                }
                case "ol", "ul" -> {
                    if (!listCounters.isEmpty()) {
                        listCounters.pop();
                    }
                    requestBreaks(2);
                }
                default -> {
                    if (PARAGRAPHS.contains(tag)) {
                        requestBreaks(2);
                    } else if (LINES.contains(tag)) {
                        requestBreaks(1);
                    }
                }
            }
        }

        private void closeLink(Element link) {
            if (linkStarts.isEmpty()) {
                return;
            }
            int start = Math.min(linkStarts.pop(), out.length());
            String text = out.substring(start).trim();
            String href = link.attr("href").trim();
            if (text.isEmpty() || !isShownTarget(href) || sameTarget(text, href)) {
                return;
            }
            String target = href.regionMatches(true, 0, "mailto:", 0, 7) ? href.substring(7) : href;
            writeText(" (" + target + ")");
        }

        private static boolean isShownTarget(String href) {
            String lower = href.toLowerCase(Locale.ROOT);
            return !lower.isEmpty() && !lower.startsWith("#") && !lower.startsWith("javascript:")
                    && !lower.startsWith("cid:") && !lower.startsWith("data:");
        }

        private static boolean sameTarget(String text, String href) {
            return comparable(text).equals(comparable(href));
        }

        /** "https://www.example.com/" and "www.example.com" name the same target for a reader. */
        private static String comparable(String target) {
            String bare = target.toLowerCase(Locale.ROOT)
                    .replaceFirst("^(mailto:|tel:|https?://)", "")
                    .replaceFirst("^www\\.", "");
            return Texts.strip(bare.trim(), "", "/").trim();
        }

        private static String collapse(String text) {
            return text.replaceAll("[\\s\\u00A0]+", " ");
        }

        private void requestBreaks(int breaks) {
            if (out.length() > 0) {
                pendingBreaks = Math.max(pendingBreaks, breaks);
            }
        }

        /** Emits the requested line ends, counting those already at the end of the text. */
        private void flushBreaks() {
            int missing = pendingBreaks - trailingNewLines;
            pendingBreaks = 0;
            for (int i = 0; i < missing; i++) {
                newLine();
            }
        }

        private void newLine() {
            if (atLineStart && quoteDepth > 0) {
                out.append(">".repeat(quoteDepth));
            }
            out.append('\n');
            atLineStart = true;
            trailingNewLines++;
        }

        private void writeText(String text) {
            if (text.isEmpty()) {
                return;
            }
            String remaining = text;
            boolean afterSpace = out.length() > 0 && out.charAt(out.length() - 1) == ' ';
            if (preDepth == 0 && (atLineStart || pendingBreaks > 0 || afterSpace)) {
                // Whitespace collapses across inline elements too: "a <b> b</b>" reads "a b".
                remaining = remaining.stripLeading();
                if (remaining.isEmpty()) {
                    return;
                }
            }
            flushBreaks();
            String[] lines = remaining.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (i > 0) {
                    newLine();
                }
                if (!lines[i].isEmpty()) {
                    if (atLineStart && quoteDepth > 0) {
                        out.append(">".repeat(quoteDepth)).append(' ');
                    }
                    out.append(lines[i].replace('\u00A0', ' '));
                    atLineStart = false;
                    trailingNewLines = 0;
                }
            }
        }
    }
}
