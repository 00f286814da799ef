-- the message of its case a mail carries, so that a case can show how each message's mails fared; mails queued
-- before this column existed have none (their drafts do not name the message)
ALTER TABLE mail_outbox ADD COLUMN case_message_id UUID;
