package dev.casey.server.devmail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.casey.api.settings.Setting;
import dev.casey.server.settings.ConfigFile;
import dev.casey.server.settings.ServiceDefaults;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * A real SMTP and IMAP server on loopback for trying Casey out with a mail client: mail Casey sends
 * is delivered to local mailboxes (log in with the address as user name and as password), mail sent
 * to the support address lands in the support mailbox, which Casey reads.
 */
public class DevMailServer implements ServiceDefaults, DisposableBean {

    static final String SUPPORT_PASSWORD = "casey";
    private static final Logger log = LoggerFactory.getLogger(DevMailServer.class);

    private final GreenMail greenMail;
    private final String supportAddress;
    private final int smtpPort;
    private final int imapPort;

    DevMailServer(ConfigFile file, int smtpPort, int imapPort) {
        this.supportAddress = file.settings().mailAddress();
        this.smtpPort = smtpPort;
        this.imapPort = imapPort;
        greenMail = new GreenMail(new ServerSetup[] {
                new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        greenMail.start();
        greenMail.setUser(supportAddress, supportAddress, SUPPORT_PASSWORD);
        log.info("Embedded mail server for trying Casey out: SMTP 127.0.0.1:{}, IMAP 127.0.0.1:{}; the support "
                + "mailbox is {} (password {}); any other mailbox: the address is user name and password",
                smtpPort, imapPort, supportAddress, SUPPORT_PASSWORD);
    }

    @Override
    public Map<String, Object> values() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(Setting.SMTP_SERVER.key(), "127.0.0.1");
        values.put(Setting.SMTP_PORT.key(), smtpPort);
        values.put(Setting.SMTP_ENCRYPTION.key(), "none");
        values.put(Setting.IMAP_SERVER.key(), "127.0.0.1");
        values.put(Setting.IMAP_PORT.key(), imapPort);
        values.put(Setting.IMAP_ENCRYPTION.key(), "none");
        values.put(Setting.IMAP_USERNAME.key(), supportAddress);
        values.put(Setting.IMAP_PASSWORD.key(), SUPPORT_PASSWORD);
        values.put(Setting.MAIL_SYNC_TIMER.key(), 5);
        return values;
    }

    @Override
    public void destroy() {
        greenMail.stop();
    }
}
