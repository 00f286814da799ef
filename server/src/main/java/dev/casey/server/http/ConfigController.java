package dev.casey.server.http;

import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.common.Source;
import dev.casey.api.settings.ApiToken;
import dev.casey.api.settings.ChangeSettingsCommand;
import dev.casey.api.settings.RecordSettingsCommittedCommand;
import dev.casey.api.settings.Setting;
import dev.casey.api.settings.Settings;
import dev.casey.server.settings.SettingsService;
import jakarta.servlet.http.HttpServletRequest;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Runtime configuration, as in the Casey seed: {@code GET /config}, {@code POST /config} with an
 * array of one-key objects, {@code POST /config/commit}. Secrets are never returned.
 */
@RestController
@RequestMapping(path = "/api/casey/v1/config", produces = "application/json")
class ConfigController {

    static final String HIDDEN = "********";
    private static final Logger log = LoggerFactory.getLogger(ConfigController.class);

    private final SettingsService settings;
    private final CommandSender commands;

    ConfigController(SettingsService settings, CommandSender commands) {
        this.settings = settings;
        this.commands = commands;
    }

    @GetMapping
    Map<String, Object> show() {
        return view(settings.current());
    }

    @PostMapping(consumes = "application/json")
    Map<String, Object> change(@RequestBody List<Map<String, Object>> body, HttpServletRequest request) {
        Map<String, Object> changes = new LinkedHashMap<>();
        for (int i = 0; i < body.size(); i++) {
            Map<String, Object> entry = body.get(i);
            if (entry == null || entry.size() != 1) {
                throw new CaseyRefusal(ErrorCode.INVALID_VALUE,
                        "each element must be an object with exactly one key, such as {\"mailSyncTimer\": 120}",
                        "[" + i + "]");
            }
            Map.Entry<String, Object> change = entry.entrySet().iterator().next();
            if (changes.containsKey(change.getKey())) {
                throw new CaseyRefusal(ErrorCode.INVALID_VALUE, change.getKey() + " is given twice", change.getKey());
            }
            changes.put(change.getKey(), change.getValue());
        }
        if (changes.containsKey(Setting.API_TOKENS.key()) && changes.get(Setting.API_TOKENS.key()) == null) {
            requireAdminAfterWithdrawal();
        }
        commands.send(new ChangeSettingsCommand(Settings.ID, changes, RequestActor.of(request), Source.HTTP),
                ErrorCode.UNKNOWN_SETTING, null);
        return view(settings.current());
    }

    /**
     * Withdrawing the runtime token list puts the file's in force: without an admin token among them (a file without
     * tokens has none) authentication would go off, or nobody could change the configuration, as with such a list
     * given at runtime. Only the file says what the key falls back to, so this is checked here, not by the command.
     */
    private void requireAdminAfterWithdrawal() {
        if (settings.current().apiTokens().isEmpty()) {
            return;
        }
        boolean adminRemains = settings.withdrawn(Setting.API_TOKENS).apiTokens().stream()
                .anyMatch(token -> token.allows(ApiToken.SCOPE_ADMIN));
        if (!adminRemains) {
            throw new CaseyRefusal(ErrorCode.INVALID_VALUE, Setting.API_TOKENS.key() + " must include a token with the "
                    + "admin scope: null would put the configuration file's tokens in force, and none of them has it",
                    Setting.API_TOKENS.key());
        }
    }

    @PostMapping("/commit")
    ResponseEntity<?> commit(HttpServletRequest request) {
        Path file = settings.file().path().orElseThrow(() -> new CaseyRefusal(ErrorCode.NO_CONFIG_FILE,
                "no configuration file was given at start (--config FILE or CASEY_CONFIG_FILE)"));
        try {
            settings.commit();
        } catch (UncheckedIOException e) {
            // the client hears of it, the operator who has to fix the file's permissions must too
            log.warn("POST /config/commit failed: {}", e.getMessage());
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "CONFIG_FILE_NOT_WRITABLE", e.getMessage(), null));
        }
        commands.send(new RecordSettingsCommittedCommand(Settings.ID, file.toAbsolutePath().toString(),
                RequestActor.of(request), Source.HTTP), ErrorCode.UNKNOWN_SETTING, null);
        return ResponseEntity.ok(Map.of("file", file.toAbsolutePath().toString()));
    }

    /** Every key with its effective value; secrets only say whether they are set. */
    static Map<String, Object> view(Settings settings) {
        Map<String, Object> view = new LinkedHashMap<>();
        settings.all().forEach((setting, value) -> view.put(setting.key(), shown(setting, value)));
        view.put(Setting.MAIL_ENABLE.key(), settings.mailEnable());
        return view;
    }

    private static Object shown(Setting setting, Object value) {
        if (setting.type() == Setting.Type.TOKENS) {
            return ((List<?>) value).stream().map(Map.class::cast)
                    .map(token -> Map.of("name", token.get("name"), "scopes", token.get("scopes"))).toList();
        }
        if (setting.secret()) {
            return value == null ? null : HIDDEN;
        }
        return value;
    }
}
