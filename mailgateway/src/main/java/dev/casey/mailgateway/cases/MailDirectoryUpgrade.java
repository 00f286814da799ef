package dev.casey.mailgateway.cases;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs at start what a migration left due in the mail directory's repair ({@code mail_directory_repair_due}), so that
 * an upgrade needs no read-model rebuild from the operator. It runs after the start, in the background: it reads the
 * event store for the persons' events, which on a large store takes a while, and the service is needed meanwhile.
 */
@Component
class MailDirectoryUpgrade {

    private static final Logger LOG = LoggerFactory.getLogger(MailDirectoryUpgrade.class);

    private final MailDirectoryRepair repair;

    MailDirectoryUpgrade(MailDirectoryRepair repair) {
        this.repair = repair;
    }

    @EventListener(ApplicationReadyEvent.class)
    void afterStart() {
        // even the look whether anything is due is no part of the start: a database gone meanwhile would fail it
        Thread worker = new Thread(() -> {
            try {
                if (repair.teamRepairDue()) {
                    repair.repairTeamIfDue();
                }
            } catch (RuntimeException e) {
                LOG.error("Mail directory: the team's rows could not be put right from its events as the upgrade "
                        + "asked (the addresses its members gave up, who was ever in it); tried again at the next "
                        + "start (or run a read-model rebuild)", e);
            }
        }, "casey-mail-directory-upgrade");
        // a stop meanwhile rolls the repair back and leaves it due: it need not hold the stop up
        worker.setDaemon(true);
        worker.start();
    }
}
