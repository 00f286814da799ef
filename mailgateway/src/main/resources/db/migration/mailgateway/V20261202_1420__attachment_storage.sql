-- Attachments are read in parts (a download streams them): PostgreSQL reads a part of an uncompressed out-of-line
-- value without the rest, a compressed one only whole. Most attachments are compressed already (images, archives,
-- office files); the few that are not cost a little more disk. Applies to attachments stored from now on.
ALTER TABLE mail_attachment ALTER COLUMN content SET STORAGE EXTERNAL;
