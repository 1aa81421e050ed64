-- The guest's sqlite3 shell on a fresh virtio-fs directory: a database
-- built through transactions with the rollback journal (each one locks
-- the file with fcntl), rolled back, queried, vacuumed and checked; the
-- host's sqlite3 checks the file afterwards (../check.sh create).
.bail on
.mode list
.separator " "
SELECT 'journal', * FROM pragma_journal_mode;
CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER,
	price REAL, tag TEXT);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO item(name, qty, price, tag)
	SELECT printf('item-%05d', i), i % 97, round(i * 0.25, 2),
	       CASE i % 3 WHEN 0 THEN 'red' WHEN 1 THEN 'green' ELSE 'blue' END
	FROM n;
COMMIT;
CREATE INDEX item_tag ON item(tag, qty);
SELECT 'count', count(*), sum(qty), total(price) FROM item;

-- A rolled back transaction leaves nothing: the journal puts pages back.
BEGIN;
DELETE FROM item WHERE id % 2 = 0;
UPDATE item SET qty = -1;
ROLLBACK;
SELECT 'rollback', count(*), sum(qty) FROM item;

SAVEPOINT a;
INSERT INTO item(name, qty, price, tag) VALUES ('sp1', 1, 1, 'x');
SAVEPOINT b;
INSERT INTO item(name, qty, price, tag) VALUES ('sp2', 1, 1, 'x');
ROLLBACK TO b;
RELEASE a;
SELECT 'savepoint', count(*) FROM item WHERE tag = 'x';

-- The index, grouping, a join, a window function.
SELECT 'group', tag, count(*), max(qty) FROM item WHERE tag <> 'x'
	GROUP BY tag ORDER BY tag;
CREATE TABLE tagname(tag TEXT PRIMARY KEY, label TEXT) WITHOUT ROWID;
INSERT INTO tagname VALUES ('red', 'Red'), ('green', 'Green'), ('blue', 'Blue');
SELECT 'join', label, count(*) FROM item JOIN tagname USING (tag)
	WHERE qty > 90 GROUP BY label ORDER BY label;
SELECT 'window', running FROM (SELECT name, sum(qty) OVER (ORDER BY id)
	AS running FROM item) WHERE name = 'item-00100';

-- Functions: strings, math (libm), dates, JSON.
SELECT 'func', upper('abc'), length('héllo'), substr('sqlite', 2, 3),
	printf('%.3f', pi()), sqrt(16), pow(2, 10), date('2000-02-28', '+1 day'),
	strftime('%s', '2020-01-01 00:00:00'),
	json_extract('{"a":[1,2,{"b":3}]}', '$.a[2].b');

-- Blobs of 16 KiB spill onto overflow pages.
CREATE TABLE blob(id INTEGER PRIMARY KEY, data BLOB);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
INSERT INTO blob(data) SELECT randomblob(16384) FROM n;
SELECT 'blob', count(*), sum(length(data)) FROM blob;

-- A second database file, attached.
ATTACH '/other.db' AS other;
CREATE TABLE other.copy AS SELECT id, name FROM item WHERE qty = 0;
SELECT 'attached', count(*) FROM other.copy;
DETACH other;

DELETE FROM blob WHERE id > 100;
VACUUM;
SELECT 'integrity', * FROM pragma_integrity_check;
SELECT 'pages', page_count * page_size < 4000000 FROM pragma_page_count,
	pragma_page_size;
