-- Parts of the mail directory that the repair is to put right once, at the next start (MailDirectoryUpgrade), because
-- a migration could not fill them from the events. 'team': mail_team_former_address (V20261202_1300) was created empty,
-- and without the addresses team members gave up before it existed their old cases still mail those addresses and
-- customers see them unmasked. Only a store that holds events can have such changes: a new installation repairs nothing.
CREATE TABLE mail_directory_repair_due (
    part VARCHAR(40) PRIMARY KEY
);
INSERT INTO mail_directory_repair_due (part) SELECT 'team' WHERE EXISTS (SELECT 1 FROM domainevententry);
