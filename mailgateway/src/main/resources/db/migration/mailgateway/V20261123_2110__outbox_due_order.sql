-- The delivery claims the next mail ORDER BY next_attempt_at, created_at: with an index on next_attempt_at
-- alone PostgreSQL read and sorted every due mail for each claim, so a backlog of 100,000 mails was read
-- 100,000 times while it drained. With both columns the claim reads the index's first unlocked entry.
CREATE INDEX mail_outbox_due_order ON mail_outbox (next_attempt_at, created_at) WHERE state = 'QUEUED';
DROP INDEX mail_outbox_due;
