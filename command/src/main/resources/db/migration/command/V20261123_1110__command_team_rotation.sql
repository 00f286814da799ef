-- Fair rotation of team invitations: least recently invited first.
ALTER TABLE person_directory ADD COLUMN last_invited_at TIMESTAMPTZ;
