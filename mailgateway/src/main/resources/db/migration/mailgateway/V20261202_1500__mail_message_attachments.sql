-- What was attached to a message (file name, size, whether it was kept), for listing in the mails about it, as
-- JSON written by MailDirectory. Text, not JSONB: the repair compares it with what the events say as written.
-- Rows from before have none listed until the mail directory's repair fills them from the events.
ALTER TABLE mail_message ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
