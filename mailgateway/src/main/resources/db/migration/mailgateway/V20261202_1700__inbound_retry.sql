-- An operator's retry of a quarantined or held-back mail is recorded anew, naming the record it retried (at most
-- once: a second retry of the same record finds the first)
ALTER TABLE inbound_mail ADD COLUMN retry_of UUID;
CREATE UNIQUE INDEX inbound_mail_retry_of ON inbound_mail (retry_of) WHERE retry_of IS NOT NULL;
-- GET /mail/inbound: newest first, optionally of one outcome
CREATE INDEX inbound_mail_received ON inbound_mail (received_at);
CREATE INDEX inbound_mail_outcome ON inbound_mail (outcome, received_at);
