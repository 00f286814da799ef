-- A case's messages get a row each: the document held them all, so every new message rewrote the whole case
-- (its document and its searchable text) and a long case cost more with each message. The document keeps the
-- rest of the case with an empty message list; a case is read back with its messages in one query.
CREATE TABLE case_view_message (
    case_id      UUID    NOT NULL REFERENCES case_view (case_id) ON DELETE CASCADE,
    -- 0 for the first message, in the order the case received them
    position     INTEGER NOT NULL,
    -- the lower-cased body, for free-text search
    search_text  TEXT    NOT NULL,
    message      JSONB   NOT NULL,
    PRIMARY KEY (case_id, position)
);
INSERT INTO case_view_message (case_id, position, search_text, message)
SELECT d.case_id, (m.ordinality - 1)::integer, lower(m.value ->> 'body') || E'\n', m.value
  FROM case_view_document d, jsonb_array_elements(d.document -> 'messages') WITH ORDINALITY AS m;

-- the document's searchable text is its subject's from now on
UPDATE case_view_document SET document = jsonb_set(document, '{messages}', '[]'::jsonb),
                              search_text = lower(document ->> 'subject') || E'\n';
