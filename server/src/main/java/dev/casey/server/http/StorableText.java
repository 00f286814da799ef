package dev.casey.server.http;

import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.ErrorCode;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.KeyDeserializer;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.module.SimpleModule;

/**
 * Text of requests as PostgreSQL can keep it. JSON can carry U+0000 and unpaired UTF-16 surrogates as backslash-u
 * escapes; a text or jsonb column refuses the first (the whole command failed with a 500) and stores the second as
 * {@code ?} (the events kept the surrogate, the views and the mail directory a question mark, and no rebuild could make
 * them agree). Both are refused here, at the door, with the field named.
 */
final class StorableText {

    /** A string of the request that cannot be stored as it is. */
    static final class UnstorableTextException extends MismatchedInputException {
        UnstorableTextException(JsonParser p, String reason) {
            super(p, reason, String.class);
        }
    }

    private StorableText() {
    }

    /** The module for a mapper's builder ({@code addModule}): every string value and map key is checked. */
    static SimpleModule module() {
        SimpleModule module = new SimpleModule("casey-storable-text");
        module.addDeserializer(String.class, new Values());
        module.addKeyDeserializer(String.class, new Keys());
        return module;
    }

    /** Why the text cannot be stored ("must not contain …"), or null when it can. */
    static String unstorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return "must not contain U+0000 (NUL)";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must not contain an unpaired surrogate (U+%04X)".formatted((int) c);
            }
        }
        return null;
    }

    /** A query parameter's text: PostgreSQL refuses to compare a NUL as it refuses to keep one (it was a 500). */
    static String parameter(String name, String value) {
        String reason = value == null ? null : unstorable(value);
        if (reason != null) {
            throw new CaseyRefusal(ErrorCode.INVALID_VALUE, name + " " + reason, name);
        }
        return value;
    }

    private static final class Values extends StringDeserializer {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) {
            String text = super.deserialize(p, ctxt);
            String reason = text == null ? null : unstorable(text);
            if (reason != null) {
                throw new UnstorableTextException(p, reason);
            }
            return text;
        }
    }

    private static final class Keys extends KeyDeserializer {
        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) {
            String reason = unstorable(key);
            if (reason != null) {
                throw new UnstorableTextException(ctxt.getParser(), "keys " + reason);
            }
            return key;
        }
    }
}
