-- The person a participant is, when registered: a person's cases are theirs under every address they have had
-- (GET /persons/{uuid}/cases), not only under the one they have now. Filled from the views' documents, which keep
-- the participants as the events gave them.
ALTER TABLE case_view_participant ADD COLUMN person_id UUID;

UPDATE case_view_participant cp
   SET person_id = (p.value ->> 'personId')::uuid
  FROM case_view_document d, jsonb_array_elements(d.document -> 'participants') p
 WHERE d.case_id = cp.case_id
   AND lower(trim(p.value ->> 'email')) = cp.email_key
   AND p.value ->> 'personId' IS NOT NULL;

CREATE INDEX case_view_participant_person ON case_view_participant (person_id) WHERE person_id IS NOT NULL;
