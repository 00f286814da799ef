-- Read models. Each row is written in the transaction of the command whose events it follows,
-- so a read after a successful write sees that write.

CREATE TABLE case_view (
    case_id        UUID PRIMARY KEY,
    reference      VARCHAR(16)  NOT NULL UNIQUE,
    subject        TEXT         NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    category       TEXT,
    creator_email  VARCHAR(254) NOT NULL,
    message_count  INTEGER      NOT NULL,
    opened_at      TIMESTAMPTZ  NOT NULL,
    updated_at     TIMESTAMPTZ  NOT NULL,
    version        BIGINT       NOT NULL,
    -- lower-cased subject and message bodies, for free-text search
    search_text    TEXT         NOT NULL,
    document       JSONB        NOT NULL
);
CREATE INDEX case_view_updated ON case_view (updated_at DESC, case_id);
CREATE INDEX case_view_status ON case_view (status, updated_at DESC);
CREATE INDEX case_view_category ON case_view (category);

CREATE TABLE case_view_tag (
    case_id  UUID NOT NULL REFERENCES case_view (case_id) ON DELETE CASCADE,
    tag      TEXT NOT NULL,
    PRIMARY KEY (case_id, tag)
);
CREATE INDEX case_view_tag_tag ON case_view_tag (tag);

CREATE TABLE case_view_participant (
    case_id    UUID         NOT NULL REFERENCES case_view (case_id) ON DELETE CASCADE,
    email_key  VARCHAR(254) NOT NULL,
    PRIMARY KEY (case_id, email_key)
);
CREATE INDEX case_view_participant_email ON case_view_participant (email_key);

CREATE TABLE person_view (
    person_id      UUID PRIMARY KEY,
    name           VARCHAR(200) NOT NULL,
    email          VARCHAR(254) NOT NULL,
    team           BOOLEAN      NOT NULL,
    retired        BOOLEAN      NOT NULL,
    registered_at  TIMESTAMPTZ  NOT NULL,
    updated_at     TIMESTAMPTZ  NOT NULL
);
CREATE INDEX person_view_email ON person_view (lower(email));
