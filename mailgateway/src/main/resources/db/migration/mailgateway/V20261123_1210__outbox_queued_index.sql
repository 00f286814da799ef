-- Health checks and metrics scrapes count the queued mail and find the oldest one every few seconds;
-- without this index that is a scan of every mail ever sent.
CREATE INDEX mail_outbox_queued ON mail_outbox (created_at) WHERE state = 'QUEUED';
