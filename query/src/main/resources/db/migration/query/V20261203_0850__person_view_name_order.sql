-- GET /persons lists persons ORDER BY lower(name), person_id, 20 a page: without an index every request read and sorted
-- every registered person (50,000 customers: a seq scan and top-N sort of the table per page), and the team filter
-- (?team=true) read them all for the few in the team, for its page and again for its total.
CREATE INDEX person_view_name ON person_view (lower(name), person_id);
CREATE INDEX person_view_team_name ON person_view (lower(name), person_id) WHERE team;
