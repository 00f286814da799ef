-- The totals of unfiltered and status-filtered lists, kept as the cases change instead of counted on
-- every request (a count of 65,000 cases took 5-10 ms of each list request and grows with the store).
-- Each status is spread over many rows (CaseViewRepository.COUNT_SHARDS), picked by case, so that
-- concurrent openings do not queue behind one row lock; a total is the sum of its rows (a single row
-- may go below zero).
CREATE TABLE case_view_count (
    status  VARCHAR(16) NOT NULL,
    shard   SMALLINT    NOT NULL,
    cases   BIGINT      NOT NULL,
    PRIMARY KEY (status, shard)
);
INSERT INTO case_view_count (status, shard, cases)
SELECT status, 0, count(*) FROM case_view GROUP BY status;
