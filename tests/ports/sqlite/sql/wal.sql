-- Write-ahead logging with the exclusive locking mode, where the WAL
-- index lives in the heap (wal_shared.sql has the normal mode's -shm).
.bail on
.mode list
.separator " "
PRAGMA locking_mode = EXCLUSIVE;
PRAGMA journal_mode = WAL;
CREATE TABLE w(id INTEGER PRIMARY KEY, v TEXT);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO w(v) SELECT hex(randomblob(20)) FROM n;
COMMIT;
DELETE FROM w WHERE id % 5 = 0;
PRAGMA wal_checkpoint(TRUNCATE);
INSERT INTO w(v) VALUES ('last');
SELECT 'wal rows', count(*) FROM w;
