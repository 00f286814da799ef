package dev.casey.mailgateway;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The content of the attachments kept with the cases, read {@value #PART} bytes at a time (it is stored uncompressed,
 * so a part is read alone): downloads, mail carrying them and the search of them for team addresses all read it so,
 * and a few large ones at once do not fill the heap.
 */
@Component
public class StoredAttachments {

    /** The bytes read at a time. */
    public static final int PART = 1024 * 1024;

    private final JdbcTemplate jdbc;

    public StoredAttachments(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Up to {@code length} bytes of an attachment's content from {@code offset} on; empty past its end or without it. */
    public byte[] part(UUID caseId, UUID attachment, long offset, int length) {
        // substring counts from 1
        return jdbc.query("""
                        SELECT substring(content FROM ?::int FOR ?::int) FROM mail_attachment
                         WHERE id = ? AND case_id = ? AND content IS NOT NULL""",
                        (rs, i) -> rs.getBytes(1), offset + 1, length, attachment, caseId)
                .stream().findFirst().orElse(new byte[0]);
    }

    /** An attachment's content, read a part at a time as it is read; empty when its content is not kept. */
    public Optional<InputStream> content(UUID caseId, UUID attachment) {
        List<Long> length = jdbc.queryForList("""
                SELECT length(content) FROM mail_attachment WHERE id = ? AND case_id = ? AND content IS NOT NULL""",
                Long.class, attachment, caseId);
        return length.isEmpty() ? Optional.empty() : Optional.of(new Parts(caseId, attachment, length.get(0)));
    }

    private final class Parts extends InputStream {
        private final UUID caseId;
        private final UUID attachment;
        private final long length;
        private long offset;
        private byte[] part = new byte[0];
        private int inPart;

        Parts(UUID caseId, UUID attachment, long length) {
            this.caseId = caseId;
            this.attachment = attachment;
            this.length = length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] into, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (inPart == part.length) {
                if (offset >= length) {
                    return -1;
                }
                part = part(caseId, attachment, offset, PART);
                if (part.length == 0) {
                    return -1;
                }
                offset += part.length;
                inPart = 0;
            }
            int n = Math.min(len, part.length - inPart);
            System.arraycopy(part, inPart, into, off, n);
            inPart += n;
            return n;
        }
    }
}
