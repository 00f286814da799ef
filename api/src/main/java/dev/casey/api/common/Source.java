package dev.casey.api.common;

/** The channel through which a change reached Casey. */
public enum Source {
    HTTP, MAIL, SYSTEM
}
