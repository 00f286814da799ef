package dev.casey.command.supportcase;

import dev.casey.api.supportcase.Participant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Chooses which team members are invited to a case. */
public interface TeamRoster {

    /**
     * Up to {@code count} active team members (0: all of them), least recently invited first, none
     * of the excluded addresses (lower-case keys) nor persons; the chosen ones count as invited now.
     */
    List<Participant> invite(int count, Set<String> excludedEmailKeys, Set<UUID> excludedPersons);

    /**
     * Those of these members who are still active team members, as the team knows them now (their current address
     * and name), in the given order.
     */
    List<Participant> stillInTeam(List<Participant> members);
}
