-- Addresses a person had before changing it. A team member's former address may still stand in old mails,
-- signatures and quotes, so it stays masked in mail to customers like the current one. Changes made before
-- this table existed are filled in by the read-model rebuild (POST /admin/read-models/rebuild).
CREATE TABLE mail_team_former_address (
    person_id   UUID         NOT NULL,
    email_key   VARCHAR(254) NOT NULL,
    email       VARCHAR(254) NOT NULL,
    PRIMARY KEY (person_id, email_key)
);
