-- The mail of a case follows a team member to their new address: their former one is looked up by its key.
CREATE INDEX mail_team_former_address_key ON mail_team_former_address (email_key);
