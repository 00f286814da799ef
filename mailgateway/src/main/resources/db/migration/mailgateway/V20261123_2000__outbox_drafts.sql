-- Mails are composed when they are first delivered or fetched by a relay, not in the transaction that queues
-- them: a queued mail holds its draft (the sender's identity and everything the composer needs, Message-ID and
-- threading already fixed) and gets its subject, headers, text and bytes on first use; from then on the bytes
-- are what is sent and retried.
ALTER TABLE mail_outbox ADD COLUMN draft JSONB;
ALTER TABLE mail_outbox ALTER COLUMN subject DROP NOT NULL,
                        ALTER COLUMN headers DROP NOT NULL,
                        ALTER COLUMN body_text DROP NOT NULL,
                        ALTER COLUMN raw DROP NOT NULL;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_composable CHECK (raw IS NOT NULL OR draft IS NOT NULL);
