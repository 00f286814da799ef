package dev.casey.mailgateway.outbox;

import dev.casey.mailgateway.outbound.ComposedMail;
import dev.casey.mailgateway.outbound.MailComposer;
import dev.casey.mailgateway.outbound.MailIdentity;
import dev.casey.mailgateway.outbound.OutgoingMail;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a queued mail holds until it is composed: the sender's identity when it was queued and the mail itself,
 * stored as JSON. Composing happens when the mail is first delivered or fetched by a relay, so that the request
 * that queued it does not pay for it; the identity travels with the draft, so that a mail queued before the
 * support name or address changed is composed as it was queued. The templates are read and checked at start.
 */
@Component
class Drafts {

    /** A mail to compose, and as whom. */
    record Draft(MailIdentity sender, OutgoingMail mail) {
    }

    /** A draft queued before a flag of the mail existed (the recipient's {@code team}) lacks it: it is false. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();

    private final Function<MailIdentity, MailComposer> composers;
    /** The composer of the identity last used: nearly always the one in force. */
    private final AtomicReference<MailComposer> last = new AtomicReference<>();

    Drafts(@Value("${casey.mail-templates:}") String templateDir) {
        this.composers = MailComposer.withTemplates(templateDir.isBlank() ? null : Path.of(templateDir));
    }

    static String json(Draft draft) {
        return JSON.writeValueAsString(draft);
    }

    /** Composes a stored draft; IllegalArgumentException or IllegalStateException when it cannot be. */
    ComposedMail compose(String json) {
        return compose(json, false);
    }

    /** Composes a stored draft; {@code listingOnly}: its attachments listed, none carried. */
    ComposedMail compose(String json, boolean listingOnly) {
        Draft draft = JSON.readValue(json, Draft.class);
        MailComposer composer = last.updateAndGet(known -> known != null && known.identity().equals(draft.sender())
                ? known : composers.apply(draft.sender()));
        JsonNode stored = JSON.readTree(json).path("mail");
        OutgoingMail mail = draft.mail();
        if (!stored.has("caseOpenedByMail")) {
            // queued before the acknowledgement knew how its case was opened: composed as then, as an answer to a mail
            mail = mail.toBuilder().caseOpenedByMail(true).build();
        }
        if (listingOnly) {
            mail = mail.withAttachmentsListed();
        }
        boolean queuedBeforeMasking = !stored.path("recipient").has("team");
        return composer.compose(queuedBeforeMasking ? mail.withAddressesCut() : mail);
    }
}
