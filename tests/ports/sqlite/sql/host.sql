-- A database the host's sqlite3 made (../setup.sh): read, changed and
-- extended here, then checked by the host again (../check.sh host).
.bail on
.mode list
.separator " "
SELECT 'host rows', count(*), sum(n), group_concat(word, ',') FROM host;
UPDATE host SET n = n * 10 WHERE word LIKE 'b%';
INSERT INTO host(word, n) VALUES ('from-toro', 99);
CREATE TABLE guest AS SELECT word, length(word) AS len FROM host;
SELECT 'guest rows', count(*), sum(len) FROM guest;
