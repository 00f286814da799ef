package dev.casey.mailgateway.outbox;

import dev.casey.api.common.EmailAddresses;
import dev.casey.mailgateway.outbound.MailText;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The names authors are shown by in mail. A mail relaying a message comes from the support address as
 * {@code "<author> via <support name>"}, so whoever names themselves as a team member, or as the support itself, would
 * write to the other participants as the team: "Ben Foo via Acme Support: please send us your password". Such a name of
 * someone outside the team is shown with {@value #OUTSIDE}.
 */
final class AuthorNames {

    /** What follows the name of someone outside the team who bears a team member's or the support's name. */
    static final String OUTSIDE = " (customer)";
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    /**
     * What shows nothing: format characters (zero-width space, soft hyphen, word joiner, joiners), which would split
     * "Ben Foo" into words of no one's name while it looks the same.
     */
    private static final Pattern INVISIBLE = Pattern.compile("\\p{Cf}+");
    /** Between words: all but letters and digits, and the Hangul fillers, letters that show as a blank. */
    private static final Pattern SEPARATORS = Pattern.compile("(?:[^\\p{L}\\p{N}]|[\\u115F\\u1160\\u3164\\uFFA0])+");
    /**
     * The code points kept of a marked name, so that the mark survives where the name is cut (the sender's name of a
     * mail is cut to 100 code points, and writing it can lengthen it by half): "Ben Foo" and 93 zero-width spaces lost
     * its mark there, and read "Ben Foo… via Acme Support".
     */
    static final int MAX_MARKED = 40;
    /**
     * Cyrillic and Greek letters that look like Latin ones (after UTS #39's confusables, the common part), and Latin
     * small capitals, which NFKD leaves as they are, and the Latin letter each passes for: "Веn Fоо" with Cyrillic
     * letters reads as "Ben Foo", "ʙᴇɴ ꜰᴏᴏ" as "BEN FOO".
     */
    private static final String LOOK_ALIKES = "АВЕКМНОРСТХУІЈЅаеорсхуіјѕԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧαικνορυχ"
            + "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ";
    private static final String LOOKED_LIKE = "abekmhopctxyijsaeopcxyijsdqwabezhikmnoptyxaikvopux"
            + "abcdefghijklmnoprstuvwyz";

    private final Set<String> teamAddresses;
    /** The words of each name only the team bears. */
    private final List<List<String>> reserved;

    /**
     * @param teamAddresses the addresses of everyone who is or was in the team, with their former ones
     * @param teamNames     the names of everyone who is or was in the team
     * @param supportName   the name the support address is shown with
     */
    AuthorNames(Collection<String> teamAddresses, Collection<String> teamNames, String supportName) {
        this.teamAddresses = teamAddresses.stream().map(EmailAddresses::key).collect(Collectors.toSet());
        this.reserved = Stream.concat(teamNames.stream(), Stream.of(supportName)).filter(Objects::nonNull)
                .map(AuthorNames::words).filter(words -> !words.isEmpty()).distinct().toList();
    }

    /** The name to show for the author of a message: theirs, marked when it would pass for the team's. */
    String shown(String authorEmail, String authorName) {
        if (authorName == null || authorEmail != null && teamAddresses.contains(EmailAddresses.key(authorEmail))) {
            return authorName;
        }
        List<String> words = words(authorName);
        boolean bearsTeamName = reserved.stream().anyMatch(name -> contains(words, name));
        return bearsTeamName ? MailText.shortened(authorName, MAX_MARKED) + OUTSIDE : authorName;
    }

    /**
     * The words of a name as they look to a reader: without case, accents, punctuation or letters of other scripts that
     * look Latin, so that neither "BEN  FOO", "Bén Foo", "Ben.Foo" nor "Веn Fоо" tells apart from "Ben Foo".
     */
    static List<String> words(String name) {
        String latin = INVISIBLE.matcher(MARKS.matcher(Normalizer.normalize(name, Normalizer.Form.NFKD))
                .replaceAll("")).replaceAll("");
        // before and after lower case: a capital not listed may have a small letter that is ("Ԛ", "ԛ")
        String plain = asLatin(asLatin(latin).toString().toLowerCase(Locale.ROOT)).toString();
        return Arrays.stream(SEPARATORS.split(plain)).filter(word -> !word.isEmpty()).toList();
    }

    private static CharSequence asLatin(CharSequence text) {
        StringBuilder latin = new StringBuilder(text);
        for (int i = 0; i < latin.length(); i++) {
            int lookAlike = LOOK_ALIKES.indexOf(latin.charAt(i));
            if (lookAlike >= 0) {
                latin.setCharAt(i, LOOKED_LIKE.charAt(lookAlike));
            }
        }
        return latin;
    }

    /** Whether {@code name}'s words stand together, in order, among {@code words}: "Ben Foo (Acme)" bears "Ben Foo". */
    private static boolean contains(List<String> words, List<String> name) {
        for (int start = 0; start + name.size() <= words.size(); start++) {
            if (words.subList(start, start + name.size()).equals(name)) {
                return true;
            }
        }
        return false;
    }
}
