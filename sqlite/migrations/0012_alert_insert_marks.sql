-- 0012_alert_insert_marks: the writer marks the incidents of new alerts.
--
-- The triggers agg_alert_insert (0006) and skill_alert_insert (0010) marked,
-- for every alert row inserted, the incidents already linked to it (an
-- incident that listed the alert before the alert arrived). Run once per
-- row, they cost about a tenth of a bulk insert's time, and almost every
-- new alert has no such link. The writer (sqlite/write.go, markNewAlerts)
-- now marks them once per Write instead, with one statement per table over
-- the ids of the alerts it inserted; the other triggers stay.

DROP TRIGGER agg_alert_insert;
DROP TRIGGER skill_alert_insert;
