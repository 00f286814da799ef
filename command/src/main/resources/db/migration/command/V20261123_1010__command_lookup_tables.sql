-- Set-based checks of the write side. Written in the same transaction as the events they follow.

-- Every registered person by e-mail: uniqueness of e-mail addresses, team membership.
CREATE TABLE person_directory (
    person_id   UUID PRIMARY KEY,
    email_key   VARCHAR(254) NOT NULL UNIQUE,
    email       VARCHAR(254) NOT NULL,
    name        VARCHAR(200) NOT NULL,
    team        BOOLEAN      NOT NULL,
    retired     BOOLEAN      NOT NULL DEFAULT FALSE
);

-- Human references of cases: unique, never reused.
CREATE TABLE case_reference (
    reference   VARCHAR(16) PRIMARY KEY,
    case_id     UUID        NOT NULL UNIQUE
);

-- Confirmation codes, so that a code alone finds its case.
CREATE TABLE case_confirmation_code (
    code        VARCHAR(64) PRIMARY KEY,
    case_id     UUID        NOT NULL
);
CREATE INDEX case_confirmation_code_case ON case_confirmation_code (case_id);
