package dev.casey.mailgateway.inbound;

import dev.casey.api.supportcase.AttachmentContent;
import dev.casey.api.supportcase.AttachmentRef;
import dev.casey.api.supportcase.FetchAttachmentPartQuery;
import dev.casey.api.supportcase.FetchAttachmentQuery;
import dev.casey.mailgateway.StoredAttachments;
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
    private final StoredAttachments stored;

    AttachmentStore(JdbcTemplate jdbc, StoredAttachments stored) {
        this.jdbc = jdbc;
        this.stored = stored;
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
        return stored.part(query.caseId(), query.attachmentId(), query.offset(), query.length());
    }
}
