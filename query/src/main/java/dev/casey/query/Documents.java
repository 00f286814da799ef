package dev.casey.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.casey.api.supportcase.MessageView;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON form of read-model documents. Kept apart from the HTTP mapper so that stored documents
 * do not change shape with HTTP settings, and tolerant on reading so that a document written by an
 * older version still loads.
 */
public final class Documents {

    public static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(EnumFeature.WRITE_ENUMS_TO_LOWERCASE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(IsoInstants.module())
            // a message's mails are the mail gateway's to tell, when a case is fetched: not kept with the message
            .withConfigOverride(MessageView.class, message -> message.setInclude(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL)))
            .build();

    private Documents() {
    }
}
