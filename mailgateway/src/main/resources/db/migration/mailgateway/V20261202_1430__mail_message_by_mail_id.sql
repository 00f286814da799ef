-- A reply to a mail that went into a case (a customer answering their own first mail) finds the case by that mail's
-- Message-ID. Hash, not btree: a Message-ID has no length limit that a btree entry could rely on.
CREATE INDEX mail_message_mail_id ON mail_message USING hash (mail_message_id) WHERE mail_message_id IS NOT NULL;
