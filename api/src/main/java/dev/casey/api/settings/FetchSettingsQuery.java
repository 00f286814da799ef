package dev.casey.api.settings;

/** Asks for the effective configuration; answered with {@link Settings}. */
public record FetchSettingsQuery() {
}
