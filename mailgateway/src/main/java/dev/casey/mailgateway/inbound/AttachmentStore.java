package dev.casey.mailgateway.inbound;

import dev.casey.api.supportcase.AttachmentContent;
import dev.casey.api.supportcase.AttachmentRef;
import dev.casey.api.supportcase.FetchAttachmentPartQuery;
import dev.casey.api.supportcase.FetchAttachmentQuery;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Attachments of inbound mail, kept in PostgreSQL and served by case. */
@Repository
class AttachmentStore {

    private static final int MAX_MEDIA_TYPE = 255;

    private final JdbcTemplate jdbc;

    AttachmentStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores an attachment under an id derived from the mail, so that a mail handled twice stores it once. */
    AttachmentRef store(UUID caseId, UUID attachmentId, InboundAttachment attachment) {
        String contentType = mediaType(attachment.contentType());
        jdbc.update("""
                INSERT INTO mail_attachment (id, case_id, filename, content_type, size, content)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""",
                attachmentId, caseId, attachment.filename(), contentType, attachment.size(), attachment.content());
        return new AttachmentRef(attachmentId, attachment.filename(), contentType, attachment.size(),
                attachment.omitted());
    }

    /** A media type's type and subtype have at most 127 characters each (RFC 6838): a longer one names nothing. */
    private static String mediaType(String declared) {
        return declared.length() <= MAX_MEDIA_TYPE ? declared : "application/octet-stream";
    }

    @QueryHandler
    Optional<AttachmentContent> handle(FetchAttachmentQuery query) {
        return jdbc.query("""
                        SELECT filename, content_type, length(content) FROM mail_attachment
                         WHERE id = ? AND case_id = ?""",
                (rs, i) -> new AttachmentContent(rs.getString(1), rs.getString(2), rs.getLong(3)),
                query.attachmentId(), query.caseId()).stream().findFirst();
    }

    @QueryHandler
    byte[] handle(FetchAttachmentPartQuery query) {
        // substring counts from 1
        return jdbc.query("""
                        SELECT substring(content FROM ?::int FOR ?::int) FROM mail_attachment
                         WHERE id = ? AND case_id = ?""",
                        (rs, i) -> rs.getBytes(1), query.offset() + 1, query.length(), query.attachmentId(),
                        query.caseId())
                .stream().findFirst().orElse(new byte[0]);
    }
}
