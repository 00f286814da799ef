package dev.casey.server;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/** Looks into IMAP folders the way a mail client does. */
final class ImapFolders {

    private ImapFolders() {
    }

    /** Stores raw bytes in a folder as they are, as an IMAP APPEND does, with these keywords. */
    static void append(GreenMail server, String user, String password, String folderName, byte[] raw,
                       String... keywords) throws MessagingException {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", server.getImap().getPort(), user, password);
        try {
            Folder folder = store.getFolder(folderName);
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                    new java.io.ByteArrayInputStream(raw));
            for (String keyword : keywords) {
                message.setFlags(new jakarta.mail.Flags(keyword), true);
            }
            folder.appendMessages(new jakarta.mail.Message[] {message});
        } finally {
            store.close();
        }
    }

    static int count(GreenMail server, String user, String password, String folderName) throws MessagingException {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", server.getImap().getPort(), user, password);
        try {
            Folder folder = store.getFolder(folderName.replace('/', store.getDefaultFolder().getSeparator()));
            if (!folder.exists()) {
                return 0;
            }
            folder.open(Folder.READ_ONLY);
            try {
                return folder.getMessageCount();
            } finally {
                folder.close(false);
            }
        } finally {
            store.close();
        }
    }
}
