-- Two connections to one file in one process (the shell's .connection):
-- while the second holds the write lock, the first may read but not
-- write ("database is locked", the one error this script expects), and
-- can once the second commits. SQLite keeps its own table of the locks
-- its connections hold and takes the file's fcntl record locks beneath.
.mode list
.separator " "
CREATE TABLE t(x);
INSERT INTO t VALUES (0);
.connection 1
.open /lock.db
BEGIN IMMEDIATE;
INSERT INTO t VALUES (1);
.connection 0
SELECT 'read while locked', count(*) FROM t;
INSERT INTO t VALUES (2);
.connection 1
COMMIT;
.connection 0
INSERT INTO t VALUES (2);
SELECT 'rows', count(*), sum(x) FROM t;
.connection 1
SELECT 'other connection sees', count(*) FROM t;
.connection 0
.connection close 1
