-- A mail larger than mailMaxBytes is not read over IMAP: only its header is kept, and it cannot be retried from here
ALTER TABLE inbound_mail ADD COLUMN whole BOOLEAN NOT NULL DEFAULT TRUE;
