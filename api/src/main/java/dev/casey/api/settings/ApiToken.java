package dev.casey.api.settings;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A bearer token allowed to call the HTTP API, with its scopes: {@code cases} (persons and cases),
 * {@code mail} (inbound mail and the outbox relay), {@code admin} (configuration, and everything else).
 */
public record ApiToken(String name, String token, Set<String> scopes) {

    public static final String SCOPE_CASES = "cases";
    public static final String SCOPE_MAIL = "mail";
    public static final String SCOPE_ADMIN = "admin";
    private static final Set<String> SCOPES = Set.of(SCOPE_CASES, SCOPE_MAIL, SCOPE_ADMIN);
    private static final int MIN_TOKEN_LENGTH = 16;
    private static final String DIGEST_PREFIX = "sha256:";
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    public boolean allows(String scope) {
        return scopes.contains(scope);
    }

    /**
     * Whether a client presented this token, compared in constant time. What is kept is the token's digest: the
     * presented value is always digested first, so a digest read from a dump or the file is no token itself.
     */
    public boolean matches(String presented) {
        return MessageDigest.isEqual(digest(presented).getBytes(StandardCharsets.US_ASCII),
                atRest(token).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * How a token is kept (in the event store, in a committed file): as its SHA-256 digest. A token given as a digest
     * already ({@code sha256:} and 64 hex digits) stays as it is.
     */
    static String atRest(String token) {
        return DIGEST.matcher(token).matches() ? token : digest(token);
    }

    private static String digest(String token) {
        try {
            return DIGEST_PREFIX + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static ApiToken fromStored(Map<?, ?> stored) {
        @SuppressWarnings("unchecked")
        List<String> scopes = (List<String>) stored.get("scopes");
        return new ApiToken((String) stored.get("name"), (String) stored.get("token"), Set.copyOf(scopes));
    }

    static List<Map<String, Object>> normalizeAll(Object raw, String key) {
        if (!(raw instanceof List<?> list)) {
            throw new IllegalArgumentException(key + " must be a list of {name, token, scopes}");
        }
        List<Map<String, Object>> tokens = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = key + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> entry)) {
                throw new IllegalArgumentException(at + " must be an object {name, token, scopes}");
            }
            for (Object field : entry.keySet()) {
                if (!Set.of("name", "token", "scopes").contains(field)) {
                    throw new IllegalArgumentException(at + " has an unknown field " + field);
                }
            }
            if (!(entry.get("name") instanceof String name) || name.isBlank()) {
                throw new IllegalArgumentException(at + ".name must be a non-empty string");
            }
            if (!(entry.get("token") instanceof String token) || token.length() < MIN_TOKEN_LENGTH
                    || token.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(
                        at + ".token must be a string of at least " + MIN_TOKEN_LENGTH + " characters without spaces");
            }
            if (!(entry.get("scopes") instanceof List<?> scopes) || scopes.isEmpty()
                    || !scopes.stream().allMatch(scope -> scope instanceof String known && SCOPES.contains(known))) {
                throw new IllegalArgumentException(at + ".scopes must be a non-empty list of cases, mail, admin");
            }
            if (!names.add(name) || !secrets.add(atRest(token))) {
                throw new IllegalArgumentException(at + " repeats the name or token of another entry");
            }
            Map<String, Object> normalized = new LinkedHashMap<>();
            normalized.put("name", name);
            normalized.put("token", atRest(token));
            normalized.put("scopes", List.copyOf(new java.util.TreeSet<>(scopes.stream().map(String::valueOf).toList())));
            tokens.add(normalized);
        }
        return List.copyOf(tokens);
    }

    /**
     * What a token list changed at runtime must also be: the configuration is changed only with an admin token, and a
     * runtime value outlives the file, so a list without one could never be changed back. A file may hold one (its
     * configuration is then the file's alone), and a list an older version stored is taken as it was.
     */
    public static void requireAdmin(Object normalizedTokens, String key) {
        // an empty list has none either: it would switch authentication off, and behind a reverse proxy on the same
        // host every client is a loopback client
        if (normalizedTokens instanceof List<?> tokens && tokens.stream()
                .noneMatch(token -> ((List<?>) ((Map<?, ?>) token).get("scopes")).contains(SCOPE_ADMIN))) {
            throw new IllegalArgumentException(key + " must include a token with the admin scope");
        }
    }
}
