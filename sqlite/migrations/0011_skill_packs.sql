-- 0011_skill_packs: skill_facts (0010) packed a day to a row for reading.
--
-- skill_packs holds, per UTC day of created time (the day number since
-- 1970; -1 for incidents without a created time or created before 1970),
-- the skill_facts rows of that day encoded one after another (see
-- sqlite/skillfacts_pack.go: the incident id, its created time and its
-- facts), so that reading a million incidents' facts steps through a few
-- hundred rows instead of a million. Writes to skill_facts mark their day
-- in skill_pack_dirty; HandlingFacts packs those days again after bringing
-- skill_facts up to date.

CREATE TABLE skill_packs (
	day   INTEGER PRIMARY KEY,
	facts BLOB NOT NULL
);

CREATE TABLE skill_pack_dirty (
	day INTEGER PRIMARY KEY
);

-- Every day already kept is packed on the first read.
INSERT INTO skill_pack_dirty (day)
SELECT DISTINCT CASE WHEN created IS NULL OR created < 0 THEN -1 ELSE created / 86400000000000 END FROM skill_facts;

CREATE TRIGGER skill_pack_insert AFTER INSERT ON skill_facts BEGIN
	INSERT OR IGNORE INTO skill_pack_dirty (day)
	VALUES (CASE WHEN NEW.created IS NULL OR NEW.created < 0 THEN -1 ELSE NEW.created / 86400000000000 END);
END;
CREATE TRIGGER skill_pack_delete AFTER DELETE ON skill_facts BEGIN
	INSERT OR IGNORE INTO skill_pack_dirty (day)
	VALUES (CASE WHEN OLD.created IS NULL OR OLD.created < 0 THEN -1 ELSE OLD.created / 86400000000000 END);
END;
CREATE TRIGGER skill_pack_update AFTER UPDATE ON skill_facts BEGIN
	INSERT OR IGNORE INTO skill_pack_dirty (day)
	VALUES (CASE WHEN OLD.created IS NULL OR OLD.created < 0 THEN -1 ELSE OLD.created / 86400000000000 END),
		(CASE WHEN NEW.created IS NULL OR NEW.created < 0 THEN -1 ELSE NEW.created / 86400000000000 END);
END;
