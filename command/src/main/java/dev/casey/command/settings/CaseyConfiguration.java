package dev.casey.command.settings;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.casey.api.common.CaseyRefusal;
import dev.casey.api.common.ErrorCode;
import dev.casey.api.settings.ApiToken;
import dev.casey.api.settings.ChangeSettingsCommand;
import dev.casey.api.settings.RecordSettingsCommittedCommand;
import dev.casey.api.settings.Setting;
import dev.casey.api.settings.Settings;
import dev.casey.api.settings.SettingsChangedEvent;
import dev.casey.api.settings.SettingsCommittedEvent;
import dev.casey.command.person.PersonDirectory;
import dev.casey.command.supportcase.CaseRules;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * The runtime configuration as a history of changes: who changed which key when, and when the
 * result was written back to the configuration file.
 */
@Aggregate
class CaseyConfiguration {

    @AggregateIdentifier
    private String settingsId;

    CaseyConfiguration() {
        // for event sourcing and creation on first change
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    void handle(ChangeSettingsCommand command, CaseRules rules, PersonDirectory persons) {
        if (command.changes() == null || command.changes().isEmpty()) {
            throw new CaseyRefusal(ErrorCode.INVALID_VALUE, "no configuration keys given");
        }
        Map<String, Object> normalized = new LinkedHashMap<>();
        command.changes().forEach((key, raw) -> {
            Setting setting = Setting.byKey(key).orElseThrow(() -> new CaseyRefusal(ErrorCode.UNKNOWN_SETTING,
                    "unknown configuration key " + key, key));
            try {
                Object value = setting.normalize(raw);
                if (setting == Setting.API_TOKENS) {
                    ApiToken.requireAdmin(value, key);
                }
                normalized.put(key, value);
            } catch (IllegalArgumentException e) {
                throw new CaseyRefusal(ErrorCode.INVALID_VALUE, e.getMessage(), key);
            }
        });
        Settings next = rules.settings().with(normalized);
        requireDistinctFolders(next, normalized.keySet());
        if (normalized.containsKey(Setting.MAIL_ADDRESS.key())) {
            requireNobodysAddress(next.mailAddress(), persons);
        }
        apply(new SettingsChangedEvent(command.settingsId(), Collections.unmodifiableMap(normalized),
                command.actor(), command.source()));
    }

    /**
     * The poller moves each mail out of the inbox into the processed or the quarantine folder: two of them the same and
     * it could not (it refuses to start). Which keys clash shows only with the values in force beside the change.
     */
    private static void requireDistinctFolders(Settings next, Set<String> changed) {
        List<Setting> folders = List.of(Setting.IMAP_FOLDER, Setting.IMAP_PROCESSED_FOLDER,
                Setting.IMAP_QUARANTINE_FOLDER);
        for (Setting one : folders) {
            for (Setting other : folders) {
                if (one != other && changed.contains(one.key())
                        && String.valueOf(next.get(one)).equalsIgnoreCase(String.valueOf(next.get(other)))) {
                    throw new CaseyRefusal(ErrorCode.INVALID_VALUE, one.key() + " must differ from " + other.key()
                            + " (\"" + next.get(other) + "\"): the mailbox poller moves mail from one to the other",
                            one.key());
                }
            }
        }
    }

    /**
     * Casey writes to no one at the support address and takes mail from it for its own coming back: a person registered
     * under it would get no mail, and their mail would be lost as ours.
     */
    private static void requireNobodysAddress(String supportAddress, PersonDirectory persons) {
        persons.findHolderOfSupportAddress(supportAddress).ifPresent(holder -> {
            throw new CaseyRefusal(ErrorCode.EMAIL_ALREADY_REGISTERED, "mailAddress " + supportAddress
                    + " would be the support address of " + holder.email() + ", registered to person "
                    + holder.personId() + "; give that person another address first", Setting.MAIL_ADDRESS.key());
        });
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    void handle(RecordSettingsCommittedCommand command) {
        apply(new SettingsCommittedEvent(command.settingsId(), command.file(), command.actor(), command.source()));
    }

    @EventSourcingHandler
    void on(SettingsChangedEvent event) {
        settingsId = event.settingsId();
    }

    @EventSourcingHandler
    void on(SettingsCommittedEvent event) {
        settingsId = event.settingsId();
    }
}
