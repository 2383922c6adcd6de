-- 0014_raw_records_subject: raw_records found by their subject, as
-- PostgreSQL's raw_records_subject does: a record decoded anew is matched
-- against the raw records of its subject's older versions, and a deleted
-- correlated incident takes its raw records with it.
CREATE INDEX raw_records_subject ON raw_records (kind, subject_id);
