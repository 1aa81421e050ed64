-- Write-ahead logging in the normal locking mode: the WAL index is the
-- shared -shm file, mapped MAP_SHARED. Two connections in one process
-- (the shell's .connection): a reader is not blocked by a writer and
-- sees the commit once it is made.
.bail on
.mode list
.separator " "
PRAGMA journal_mode = WAL;
CREATE TABLE w(id INTEGER PRIMARY KEY, v TEXT);
INSERT INTO w(v) VALUES ('a'), ('b');
.connection 1
.open /walshared.db
SELECT 'second connection sees', count(*) FROM w;
BEGIN;
INSERT INTO w(v) VALUES ('c');
.connection 0
SELECT 'reader during the write', count(*) FROM w;
.connection 1
COMMIT;
.connection 0
SELECT 'after the commit', count(*) FROM w;
.connection close 1
