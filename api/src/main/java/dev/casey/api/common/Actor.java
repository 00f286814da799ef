package dev.casey.api.common;

import java.util.Objects;

/**
 * Who caused a change: a person (known by e-mail, with a person id once registered), an API client
 * (known by its token name) or Casey itself.
 */
public record Actor(Kind kind, String name, String email, String personId) {

    /** The kinds of actors Casey records. */
    public enum Kind { PERSON, API_CLIENT, SYSTEM }

    public Actor {
        Objects.requireNonNull(kind, "kind");
    }

    public static Actor person(String name, String email) {
        return new Actor(Kind.PERSON, name, email, null);
    }

    public static Actor apiClient(String tokenName) {
        return new Actor(Kind.API_CLIENT, tokenName, null, null);
    }

    public static Actor system(String what) {
        return new Actor(Kind.SYSTEM, what, null, null);
    }

    public static final Actor CASEY = system("casey");
}
