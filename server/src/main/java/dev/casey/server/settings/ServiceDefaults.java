package dev.casey.server.settings;

import java.util.Map;

/**
 * Defaults the running service supplies itself (such as the embedded mail server's address); the
 * configuration file and runtime changes still take precedence over them.
 */
public interface ServiceDefaults {

    Map<String, Object> values();
}
