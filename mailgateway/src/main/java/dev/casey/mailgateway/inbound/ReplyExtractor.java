package dev.casey.mailgateway.inbound;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds the new part of a reply: cuts our own "Reply above this line" marker, then the quoted
 * history introduced by the usual client separators above it, then the signature. Forwarded
 * content is no history: it is what the sender wants us to read, so a forward marker ends the
 * search and everything from it on is kept. When cutting would leave nothing the whole text is
 * the reply, so that no message ever looks empty.
 */
final class ReplyExtractor {

    private static final Pattern OUR_MARKER = Pattern.compile("(?i).*reply above this line.*");

    /** "On Mon, 1 Jan 2024 at 10:00, Jane <jane@example.com> wrote:" and its translations. */
    private static final Pattern ATTRIBUTION = Pattern.compile("(?iu)^(?:"
            + "(?:on|at)\\b.{1,300}\\bwrote\\s*:"
            + "|am\\b.{1,300}\\bschrieb\\b.{0,300}:"
            + "|le\\b.{1,300}\\ba\\s+[ée]crit\\s*:"
            + "|op\\b.{1,300}\\bschreef\\b.{0,300}:"
            + "|el\\b.{1,300}\\bescribi[óo]\\s*:"
            + "|(?:den|på|d\\.)\\b.{1,300}\\bskrev\\b.{0,300}:"
            + "|il\\b.{1,300}\\bha\\s+scritto\\s*:"
            + "|em\\b.{1,300}\\bescreveu\\s*:"
            + "|.{1,200}<[^<>\\s]+@[^<>\\s]+>\\s*(?:wrote|schrieb|a\\s+[ée]crit|schreef|escribi[óo]|skrev)\\s*:"
            + ")\\s*$");

    private static final Pattern ORIGINAL_MESSAGE = Pattern.compile("(?iu)^[\\s>]*-{2,}\\s*(?:"
            + "original message|original-nachricht|urspr[üu]ngliche nachricht|originalnachricht"
            + "|message d'origine|message original|oorspronkelijk bericht|origineel bericht|mensaje original"
            + "|oprindelig meddelelse|original meddelelse|ursprungligt meddelande|messaggio originale"
            + "|mensagem original|alkuper[äa]inen viesti|p[ůu]vodn[íi] zpr[áa]va|wiadomo[śs][ćc] oryginalna"
            + ")\\s*-{2,}[-\\s]*$");

    /** Gmail's, Thunderbird's, Yahoo's and mutt's forward lines, and Apple Mail's, in several languages. */
    private static final Pattern FORWARD_MARKER = Pattern.compile("(?iu)^\\s*(?:"
            + "-{2,}\\s*(?:forwarded message|weitergeleitete nachricht|message transf[ée]r[ée]|doorgestuurd bericht"
            + "|mensaje reenviado|messaggio inoltrato|mensagem (?:re)?encaminhada|videresendt (?:meddelelse|melding)"
            + "|vidarebefordrat meddelande)\\b.*-{2,}"
            + "|(?:begin forwarded message|anfang der weitergeleiteten (?:nachricht|e-mail)"
            + "|d[ée]but du message r[ée]exp[ée]di[ée]|begin doorgestuurd bericht|inicio del mensaje reenviado"
            + "|inizio messaggio inoltrato|in[íi]cio da mensagem (?:re)?encaminhada)\\s*:"
            + ")\\s*$");

    /**
     * A subject that says the mail is a forward: the outermost prefix only, as "Re: Fwd: ..." is a
     * reply. Outlook writes "-----Original Message-----" and its header block above forwarded
     * content just as above quoted history, so for Outlook the subject is the only tell.
     */
    private static final Pattern FORWARD_SUBJECT = Pattern.compile(
            "(?iu)^\\s*(?:fwd?|wg|tr|rv|i|vb|doorst|enc|pd)\\s*:");

    private static final Pattern OUTLOOK_WEB_LINE = Pattern.compile("^\\s*_{20,}\\s*$");
    /** A line of a client's history between its separator and our marker: a header line, or a line of dashes. */
    private static final Pattern HISTORY_LINE = Pattern.compile("(?u)^(?:\\*?[\\p{L}][\\p{L} .-]{0,30}\\*?\\s?:.*"
            + "|[-_=*]{5,}.*)$");

    private static final String LABEL_END = "\\s*\\*?\\s*:\\s*\\*?\\s*";
    private static final Pattern HEADER_FROM = Pattern.compile("(?iu)^\\s*\\*?\\s*(?:"
            + "from|von|de|van|fra|fr[åa]n|da|od|l[äa]hett[äa]j[äa]|от|remitente|exp[ée]diteur"
            + ")" + LABEL_END + "\\S.*");
    private static final Pattern HEADER_DATE = Pattern.compile("(?iu)^\\s*\\*?\\s*(?:"
            + "sent|date|gesendet|datum|envoy[ée]|verzonden|verstuurd|sendt|enviado(?: el)?|fecha|skickat"
            + "|inviato|data|wys[łl]ano|l[äa]hetetty|отправлено|odesl[áa]no"
            + ")" + LABEL_END + ".*");
    private static final Pattern HEADER_TO_OR_SUBJECT = Pattern.compile("(?iu)^\\s*\\*?\\s*(?:"
            + "to|an|[àa]|aan|til|para|subject|betreff|objet|onderwerp|emne|asunto|[äa]mne|oggetto|cc"
            + "|temat|aihe|komu|p[řr]edm[ěe]t|кому|тема|do"
            + ")" + LABEL_END + ".*");
    private static final int OUTLOOK_BLOCK_LINES = 8;

    private static final Pattern SIGNATURE_DELIMITER = Pattern.compile("^--\\s?$");
    private static final Pattern MOBILE_SIGNATURE = Pattern.compile("(?iu)^\\s*(?:"
            + "sent from my .{1,40}|sent from (?:outlook|mail|yahoo mail|gmail|samsung|my mobile).{0,40}"
            + "|get outlook for (?:ios|android).{0,10}|sent from .{1,30} for (?:ios|android)"
            + "|von meinem .{1,40} gesendet|gesendet von meinem .{1,40}|von meinem .{1,40} ges\\."
            + "|envoy[ée] (?:de|depuis) mon .{1,40}|verzonden (?:vanaf|met) mijn .{1,40}"
            + "|verstuurd (?:vanaf|met) mijn .{1,40}|enviado desde mi .{1,40}|sendt fra min .{1,40}"
            + "|skickat från min .{1,40}|inviato da(?:l mio)? .{1,40}"
            + ")\\.?\\s*$");
    private static final int LONGEST_SEPARATOR_LINE = 400;

    private ReplyExtractor() {
    }

    static String extract(String text) {
        return extract(text, "");
    }

    /** @param subject the mail's subject, which tells a forward from a reply where the body does not */
    static String extract(String text, String subject) {
        String full = PlainText.stripBlankEdges(text == null ? "" : text);
        if (full.isBlank()) {
            return "";
        }
        List<String> lines = List.of(full.split("\n", -1));
        int marker = ourMarker(lines);
        int end = marker >= 0 ? withoutAttributionAbove(lines, marker) : lines.size();
        // Above our marker there may still be the header block or separator of the client's reply.
        List<String> above = lines.subList(0, end);
        boolean forwardSubject = subject != null && FORWARD_SUBJECT.matcher(subject).find();
        Separator separator = firstSeparator(above, forwardSubject);
        if (marker >= 0 && separator != null && !separator.forward() && !onlyHistoryFrom(above, separator.line())) {
            // the marker tells where the history starts: a separator with the writer's own words after it is theirs
            // (a colleague's mail they quote, a "From: … To: …" they typed)
            separator = null;
        }
        List<String> own = separator == null ? above : above.subList(0, separator.line());
        List<String> forwarded = separator != null && separator.forward()
                ? above.subList(separator.line(), above.size()) : List.of();
        List<String> ownKept = withoutSignature(own);
        List<String> kept = ownKept;
        if (!forwarded.isEmpty() && ownKept.size() == own.size()) {
            kept = above;
        } else if (!forwarded.isEmpty()) {
            // The sender's signature sits between their words and the forwarded mail.
            kept = new ArrayList<>(ownKept.subList(0, lastContentLine(ownKept) + 1));
            kept.add("");
            kept.addAll(forwarded);
        }
        String reply = PlainText.stripBlankEdges(String.join("\n", kept));
        return reply.isBlank() ? full : reply;
    }

    /**
     * Whether what follows the separator up to our marker is nothing but the client's history: blank or quoted lines,
     * header lines ("Cc: …") and their continuations, separator lines.
     */
    private static boolean onlyHistoryFrom(List<String> lines, int separator) {
        for (String line : lines.subList(separator + 1, lines.size())) {
            if (!line.isBlank() && !isQuoted(line) && !Character.isWhitespace(line.charAt(0))
                    && !HISTORY_LINE.matcher(line).matches()) {
                return false;
            }
        }
        return true;
    }

    /** Where the history or the forwarded content starts, and which of the two it is. */
    private record Separator(int line, boolean forward) {
    }

    private static int ourMarker(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (OUR_MARKER.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        return -1;
    }

    /** Moves the cut up over the "On ... wrote:" line a client put right above our quoted marker. */
    private static int withoutAttributionAbove(List<String> lines, int cut) {
        int above = cut - 1;
        while (above >= 0 && isBlankOrEmptyQuote(lines.get(above))) {
            above--;
        }
        if (above < 0) {
            return cut;
        }
        if (isAttribution(lines.get(above))) {
            return above;
        }
        if (above > 0 && isAttribution(lines.get(above - 1) + " " + lines.get(above).trim())) {
            return above - 1;
        }
        return cut;
    }

    /**
     * The earliest forward marker, or the earliest client separator that has some new text above
     * it. A separator on top (bottom posting) is skipped: the reply is below it, and cutting there
     * would leave nothing. In a mail whose subject is a forward, the first separator introduces the
     * forwarded mail. Markers in quoted lines are part of the history and start nothing.
     */
    private static Separator firstSeparator(List<String> lines, boolean forwardSubject) {
        boolean contentAbove = false;
        int trailingQuote = trailingQuoteBlock(lines);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.length() <= LONGEST_SEPARATOR_LINE && FORWARD_MARKER.matcher(line).matches()) {
                return new Separator(i, true);
            }
            // A forward without a word of the sender's own starts with a separator: all of it is kept.
            if ((contentAbove || forwardSubject) && (i == trailingQuote || isSeparatorAt(lines, i))) {
                return new Separator(i, forwardSubject);
            }
            if (!line.isBlank() && !isQuoted(line)) {
                contentAbove = true;
            }
        }
        return null;
    }

    private static boolean isSeparatorAt(List<String> lines, int i) {
        String line = lines.get(i);
        if (line.length() > LONGEST_SEPARATOR_LINE) {
            return false;
        }
        if (ORIGINAL_MESSAGE.matcher(line).matches() || OUTLOOK_WEB_LINE.matcher(line).matches()) {
            return true;
        }
        if (isAttribution(line)) {
            return true;
        }
        // Gmail wraps long attributions: "On ..., Jane Doe <" / "jane@example.com> wrote:".
        if (i + 1 < lines.size() && lines.get(i + 1).length() < LONGEST_SEPARATOR_LINE
                && !line.isBlank() && !lines.get(i + 1).isBlank()
                && isAttribution(line.trim() + " " + lines.get(i + 1).trim())) {
            return true;
        }
        return isOutlookHeaderBlock(lines, i);
    }

    private static boolean isAttribution(String line) {
        String trimmed = line.trim();
        return trimmed.length() <= 2 * LONGEST_SEPARATOR_LINE && ATTRIBUTION.matcher(trimmed).matches();
    }

    /** "From: ..." followed, before the next blank line, by a date line and a to or subject line. */
    private static boolean isOutlookHeaderBlock(List<String> lines, int i) {
        if (!HEADER_FROM.matcher(stripQuote(lines.get(i))).matches()) {
            return false;
        }
        boolean date = false;
        boolean toOrSubject = false;
        for (int k = i + 1; k < lines.size() && k <= i + OUTLOOK_BLOCK_LINES; k++) {
            String line = stripQuote(lines.get(k));
            if (line.isBlank()) {
                break;
            }
            date |= HEADER_DATE.matcher(line).matches();
            toOrSubject |= HEADER_TO_OR_SUBJECT.matcher(line).matches();
        }
        return date && toOrSubject;
    }

    /** First line of a block of quoted lines that ends the text, or -1. */
    private static int trailingQuoteBlock(List<String> lines) {
        int last = lines.size() - 1;
        while (last >= 0 && lines.get(last).isBlank()) {
            last--;
        }
        if (last < 0 || !isQuoted(lines.get(last))) {
            return -1;
        }
        int start = last;
        for (int k = last - 1; k >= 0; k--) {
            if (isQuoted(lines.get(k))) {
                start = k;
            } else if (!lines.get(k).isBlank()) {
                break;
            }
        }
        return start;
    }

    private static List<String> withoutSignature(List<String> lines) {
        boolean contentAbove = false;
        List<String> kept = lines;
        for (int i = 0; i < lines.size(); i++) {
            if (contentAbove && SIGNATURE_DELIMITER.matcher(lines.get(i)).matches()) {
                kept = lines.subList(0, i);
                break;
            }
            if (!lines.get(i).isBlank()) {
                contentAbove = true;
            }
        }
        int last = lastContentLine(kept);
        while (last > 0 && MOBILE_SIGNATURE.matcher(kept.get(last)).matches()) {
            kept = kept.subList(0, last);
            last = lastContentLine(kept);
        }
        return kept;
    }

    private static int lastContentLine(List<String> lines) {
        int last = lines.size() - 1;
        while (last >= 0 && lines.get(last).isBlank()) {
            last--;
        }
        return last;
    }

    private static boolean isQuoted(String line) {
        return line.stripLeading().startsWith(">");
    }

    private static boolean isBlankOrEmptyQuote(String line) {
        return line.replace(">", "").isBlank();
    }

    private static String stripQuote(String line) {
        return line.replaceFirst("^\\s*(?:>\\s?)+", "");
    }
}
