-- The mail gateway's own tables. It follows case and person events into mail_case, mail_participant,
-- mail_team and mail_message (what it needs to address and thread mail), writes outgoing mail into
-- mail_outbox in the same transaction as the events, and logs every inbound mail in inbound_mail.

CREATE TABLE mail_case (
    case_id     UUID PRIMARY KEY,
    reference   VARCHAR(16) NOT NULL UNIQUE,
    subject     TEXT        NOT NULL,
    status      VARCHAR(16) NOT NULL,
    creator_key VARCHAR(254) NOT NULL
);

CREATE TABLE mail_participant (
    case_id     UUID         NOT NULL REFERENCES mail_case (case_id),
    email_key   VARCHAR(254) NOT NULL,
    email       VARCHAR(254) NOT NULL,
    name        VARCHAR(200) NOT NULL,
    team        BOOLEAN      NOT NULL,
    -- took part (wrote) or was only invited (team members told of the case)
    role        VARCHAR(16)  NOT NULL,
    PRIMARY KEY (case_id, email_key)
);

CREATE TABLE mail_team (
    person_id   UUID PRIMARY KEY,
    email_key   VARCHAR(254) NOT NULL UNIQUE,
    email       VARCHAR(254) NOT NULL,
    name        VARCHAR(200) NOT NULL,
    active      BOOLEAN      NOT NULL
);

CREATE TABLE mail_message (
    message_id       UUID PRIMARY KEY,
    case_id          UUID         NOT NULL REFERENCES mail_case (case_id),
    author_email     VARCHAR(254) NOT NULL,
    author_name      VARCHAR(200) NOT NULL,
    body             TEXT         NOT NULL,
    posted_at        TIMESTAMPTZ  NOT NULL,
    -- the Message-ID of the mail it came in with, for threading replies to it
    mail_message_id  TEXT
);
CREATE INDEX mail_message_case ON mail_message (case_id, posted_at);

CREATE TABLE mail_outbox (
    id               UUID PRIMARY KEY,
    case_id          UUID         NOT NULL,
    kind             VARCHAR(32)  NOT NULL,
    recipient        VARCHAR(254) NOT NULL,
    recipient_key    VARCHAR(254) NOT NULL,
    recipient_name   VARCHAR(200) NOT NULL,
    message_id       VARCHAR(255) NOT NULL UNIQUE,
    subject          TEXT         NOT NULL,
    headers          JSONB        NOT NULL,
    body_text        TEXT         NOT NULL,
    raw              BYTEA        NOT NULL,
    -- QUEUED, SENT, FAILED (given up), BOUNCED, RELAYED (sent by an external relay)
    state            VARCHAR(16)  NOT NULL,
    attempts         INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ  NOT NULL,
    last_error       TEXT,
    created_at       TIMESTAMPTZ  NOT NULL,
    sent_at          TIMESTAMPTZ
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE state = 'QUEUED';
CREATE INDEX mail_outbox_thread ON mail_outbox (case_id, recipient_key, created_at);

CREATE TABLE inbound_mail (
    id           UUID PRIMARY KEY,
    -- Message-ID, or a digest of the raw bytes when the mail has none: the same mail is handled once
    dedupe_key   VARCHAR(255) NOT NULL UNIQUE,
    message_id   VARCHAR(255),
    sender       VARCHAR(254),
    subject      TEXT,
    via          VARCHAR(8)   NOT NULL,
    outcome      VARCHAR(24)  NOT NULL,
    detail       TEXT,
    case_id      UUID,
    received_at  TIMESTAMPTZ  NOT NULL,
    raw          BYTEA        NOT NULL
);
CREATE INDEX inbound_mail_sender ON inbound_mail (sender, received_at);

CREATE TABLE mail_attachment (
    id            UUID PRIMARY KEY,
    case_id       UUID         NOT NULL,
    filename      TEXT,
    content_type  VARCHAR(255) NOT NULL,
    size          BIGINT       NOT NULL,
    content       BYTEA        NOT NULL
);
CREATE INDEX mail_attachment_case ON mail_attachment (case_id);
