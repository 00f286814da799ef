package dev.casey.server.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.accept.ContentNegotiationStrategy;
import org.springframework.web.accept.HeaderContentNegotiationStrategy;
import org.springframework.web.context.request.NativeWebRequest;

/**
 * Reads {@code Accept} so that it can only turn a request away before it is handled, never after. Spring MVC matches
 * {@code application/json; charset=utf-16} to a JSON endpoint, runs it, and only then finds that Jackson writes no
 * such charset: the change was made and the client got a 500. JSON has no charset parameter (RFC 8259: it is UTF-8),
 * so the parameter is left out; an {@code Accept} that cannot be parsed at all is disregarded, as RFC 9110 (12.5.1)
 * allows, because honouring it leaves nothing an error could be written in.
 */
final class AcceptHeader implements ContentNegotiationStrategy {

    private final HeaderContentNegotiationStrategy header = new HeaderContentNegotiationStrategy();

    @Override
    public List<MediaType> resolveMediaTypes(NativeWebRequest request) {
        try {
            return header.resolveMediaTypes(request).stream().map(AcceptHeader::withoutCharset).toList();
        } catch (HttpMediaTypeNotAcceptableException unparsable) {
            return MEDIA_TYPE_ALL_LIST;
        }
    }

    private static MediaType withoutCharset(MediaType type) {
        Map<String, String> parameters = new LinkedHashMap<>(type.getParameters());
        return parameters.keySet().removeIf("charset"::equalsIgnoreCase)
                ? new MediaType(type.getType(), type.getSubtype(), parameters) : type;
    }
}
