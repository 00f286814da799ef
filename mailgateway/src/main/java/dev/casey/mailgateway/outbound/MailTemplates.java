package dev.casey.mailgateway.outbound;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Entities;

/**
 * The Mustache templates of every kind ({@code mail-templates/<kind>.txt.mustache} and {@code .html.mustache}),
 * built in or replaced by a file of the same name in an override directory; loaded and checked once.
 */
final class MailTemplates {

    static final String CLASSPATH_DIR = "mail-templates/";
    static final String TEXT_SUFFIX = ".txt.mustache";
    static final String HTML_SUFFIX = ".html.mustache";

    /** Plain text: nothing escaped; null values render as nothing, missing names fail. */
    private static final Mustache.Compiler TEXT = Mustache.compiler()
            .escapeHTML(false).nullValue("").emptyStringIsFalse(true);
    /** HTML: every {{value}} escaped with {@link #html(String)} (line breaks become {@code <br>}). */
    private static final Mustache.Compiler HTML = Mustache.compiler()
            .withEscaper(MailTemplates::html).nullValue("").emptyStringIsFalse(true);

    private final Map<MailKind, Template> text = new EnumMap<>(MailKind.class);
    private final Map<MailKind, Template> html = new EnumMap<>(MailKind.class);

    MailTemplates(Path overrideDir) {
        for (MailKind kind : MailKind.values()) {
            text.put(kind, load(TEXT, kind.templateName() + TEXT_SUFFIX, overrideDir));
            html.put(kind, load(HTML, kind.templateName() + HTML_SUFFIX, overrideDir));
        }
        Map<String, Object> sample = sampleContext();
        for (MailKind kind : MailKind.values()) {
            try {
                text.get(kind).execute(sample);
                html.get(kind).execute(sample);
            } catch (RuntimeException e) {
                throw new IllegalStateException("mail template for " + kind.templateName() + " cannot be rendered: "
                        + e.getMessage(), e);
            }
        }
    }

    String text(MailKind kind, Map<String, Object> context) {
        return text.get(kind).execute(context);
    }

    String html(MailKind kind, Map<String, Object> context) {
        return html.get(kind).execute(context);
    }

    /**
     * HTML-escapes text for element content and quoted attribute values (jsoup's entity escaping, with
     * {@code &#39;} for the apostrophe, which old mail readers know better than {@code &apos;}); line
     * breaks become {@code <br>}.
     */
    static String html(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        return Entities.escape(text).replace("&apos;", "&#39;").replace("\n", "<br>\n");
    }

    private static Template load(Mustache.Compiler compiler, String name, Path overrideDir) {
        String source;
        try {
            Path override = overrideDir == null ? null : overrideDir.resolve(name);
            if (override != null && Files.isRegularFile(override)) {
                source = Files.readString(override, StandardCharsets.UTF_8);
            } else {
                try (InputStream in = MailTemplates.class.getClassLoader().getResourceAsStream(CLASSPATH_DIR + name)) {
                    if (in == null) {
                        throw new IllegalStateException("built-in mail template missing: " + CLASSPATH_DIR + name);
                    }
                    source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read mail template " + name, e);
        }
        try {
            return compiler.compile(source);
        } catch (RuntimeException e) {
            throw new IllegalStateException("mail template " + name + " does not compile: " + e.getMessage(), e);
        }
    }

    /** Every name a template may use, with a value, to find mistakes at start instead of at the first mail. */
    private static Map<String, Object> sampleContext() {
        Map<String, Object> earlier = new HashMap<>();
        earlier.put("authorName", "Ann");
        earlier.put("postedAt", Instant.EPOCH.toString());
        earlier.put("body", "Hello");
        Map<String, Object> sample = new HashMap<>();
        sample.put("kind", "message");
        sample.put("supportName", "Support");
        sample.put("recipientName", "Ben");
        sample.put("team", true);
        sample.put("authorName", "Ann");
        sample.put("reference", "AAAA-BBBB");
        sample.put("subject", "Subject");
        sample.put("body", "Body");
        sample.put("history", List.of(earlier));
        sample.put("confirmUrl", "https://example.invalid/confirm");
        sample.put("confirmCode", "123456");
        sample.put("reason", "Reason");
        return sample;
    }
}
