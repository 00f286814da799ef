-- Whether a person has ever been in the team. MailDirectory#team, read for every command that mails, looked through
-- every registered person, and for each one not in the team now through every team participant of every case: with
-- 5,000 registered customers and 1,173 participants it took 335 ms a command (bench/README, "registered customers").
-- Now it looks only among those who were ever in the team, and finds whether they took part by index.
ALTER TABLE mail_team ADD COLUMN was_team BOOLEAN NOT NULL DEFAULT FALSE;
-- until the repair below has read the persons' events: everyone the team query took before
UPDATE mail_team m SET was_team = TRUE
 WHERE m.active
    OR m.email_key IN (SELECT p.email_key FROM mail_participant p WHERE p.team)
    OR m.person_id IN (SELECT f.person_id FROM mail_team_former_address f
                         JOIN mail_participant p ON p.team AND p.email_key = f.email_key);
ALTER TABLE mail_team ADD CONSTRAINT mail_team_active_was_team CHECK (was_team OR NOT active);
CREATE INDEX mail_team_was_team ON mail_team (person_id) WHERE was_team;
CREATE INDEX mail_participant_team_key ON mail_participant (email_key) WHERE team;
-- whether someone was ever in the team is in their events only: the repair sets it from them at the next start
INSERT INTO mail_directory_repair_due (part) SELECT 'team' WHERE EXISTS (SELECT 1 FROM domainevententry)
    ON CONFLICT DO NOTHING;
