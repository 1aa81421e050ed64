#!/bin/sh
# SPDX-License-Identifier: MIT
# host_setup of the SQLite host case: a database made by the host's
# sqlite3, for the guest to read and change. $1: the fs directory.
set -eu
sqlite3 "$1/host.db" <<'SQL'
CREATE TABLE host(id INTEGER PRIMARY KEY, word TEXT, n INTEGER);
INSERT INTO host(word, n) VALUES ('alpha', 1), ('beta', 2), ('gamma', 3),
	('bravo', 4);
SQL
