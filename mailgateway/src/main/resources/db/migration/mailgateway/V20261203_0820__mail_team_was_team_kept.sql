-- mail_team.was_team is kept by the row itself, whoever writes it: an instance of a version before it (several
-- instances upgraded one after the other) writes a team member without it, and CHECK (was_team OR NOT active) refused
-- that write, failing the registration or promotion of a team member on every instance not yet upgraded; without the
-- check, such a member would have been left out of the team once they retired (MailDirectory#team).
CREATE FUNCTION mail_team_was_team() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.was_team := NEW.was_team OR NEW.active;
    RETURN NEW;
END
$$;
CREATE TRIGGER mail_team_was_team BEFORE INSERT OR UPDATE ON mail_team
    FOR EACH ROW EXECUTE FUNCTION mail_team_was_team();
