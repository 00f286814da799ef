-- How the last read-model rebuild went, for GET /api/casey/v1/admin/read-models/rebuild on any instance: one row,
-- written when a rebuild starts, with every group of cases it commits, and when it ends. Whether one is running
-- now is told by its advisory lock, not by this row (an instance may die in the middle).
CREATE TABLE read_model_rebuild (
    id           SMALLINT    PRIMARY KEY CHECK (id = 1),
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    cases        BIGINT      NOT NULL,
    cases_done   BIGINT      NOT NULL,
    events       BIGINT      NOT NULL,
    failure      TEXT
);
