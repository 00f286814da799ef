package dev.casey.mailgateway.inbound;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An inbound e-mail as the support-case service needs it, parsed from raw RFC 5322 bytes.
 *
 * @param messageId      Message-ID without angle brackets, or null
 * @param inReplyTo      message ids from In-Reply-To, without brackets
 * @param references     message ids from References, without brackets, oldest first
 * @param from           the sender; null when the mail names one but no usable address (for
 *                       example an encoded word in the address, which is never decoded)
 * @param replyTo        Reply-To mailboxes
 * @param to             To mailboxes
 * @param cc             Cc mailboxes
 * @param returnPath     the raw Return-Path, "&lt;&gt;" for the null sender, or null when absent
 * @param subject        decoded, unfolded, trimmed subject; empty when absent
 * @param date           the Date header, or null when absent or unreadable
 * @param text           the whole body as plain text
 * @param reply          the new part of the text: quoted history and signature cut off
 * @param attachments    attachments, inline images and attached messages
 * @param autoReply      why the mail is automatic, or {@link AutoReply#NONE}
 * @param deliveryReport what the mail reports as a bounce, or null when it is none
 * @param headers        the raw values of the headers the decisions above were based on
 */
public record InboundMail(String messageId, List<String> inReplyTo, List<String> references, MailAddress from,
        List<MailAddress> replyTo, List<MailAddress> to, List<MailAddress> cc, String returnPath, String subject,
        Instant date, String text, String reply, List<InboundAttachment> attachments, AutoReply autoReply,
        DeliveryReport deliveryReport, Map<String, String> headers, List<String> authenticationResults) {

    public InboundMail {
        inReplyTo = List.copyOf(inReplyTo);
        references = List.copyOf(references);
        replyTo = List.copyOf(replyTo);
        to = List.copyOf(to);
        cc = List.copyOf(cc);
        subject = subject == null ? "" : subject;
        text = text == null ? "" : text;
        reply = reply == null ? "" : reply;
        attachments = List.copyOf(attachments);
        authenticationResults = List.copyOf(authenticationResults);
        autoReply = autoReply == null ? AutoReply.NONE : autoReply;
        // Kept in header order for readable logs; hence no Map.copyOf.
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** The same mail, taken as written by {@code writer}. */
    public InboundMail writtenBy(MailAddress writer) {
        return new InboundMail(messageId, inReplyTo, references, writer, replyTo, to, cc, returnPath, subject, date,
                text, reply, attachments, autoReply, deliveryReport, headers, authenticationResults);
    }

    /** True when the Return-Path is the null sender "&lt;&gt;" used by bounces and auto-replies. */
    public boolean hasNullReturnPath() {
        return isNullSender(returnPath);
    }

    static boolean isNullSender(String returnPath) {
        return returnPath != null && returnPath.contains("<") && returnPath.replaceAll("[\\s<>]", "").isEmpty();
    }
}
