-- A participant who was not registered when they joined is the person who took up their address first after that
-- (GET /persons/{uuid}/cases lists it under whatever address that person has since): when each participant joined,
-- and which addresses each person took up when. Views kept before have neither: a participant without a time is
-- taken as before (the current holder of the address's) until a read-model rebuild gives both from the events.
ALTER TABLE case_view_participant ADD COLUMN joined_at TIMESTAMPTZ;

CREATE TABLE person_view_address (
    person_id  UUID         NOT NULL,
    email_key  VARCHAR(254) NOT NULL,
    held_from  TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (person_id, email_key, held_from)
);
CREATE INDEX person_view_address_key ON person_view_address (email_key, held_from);
