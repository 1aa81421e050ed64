#!/bin/sh
# SPDX-License-Identifier: MIT
# host_check of the SQLite cases: the host's own sqlite3 opens what the
# guest wrote over virtio-fs and checks it. $1: the case (create, host,
# locking, wal, wal_shared), $2: the fs directory.
set -eu
case=$1
cd "$2"
fail() {
	echo "check.sh $case: $*" >&2
	exit 1
}
q() { # q DB SQL: one line of output
	sqlite3 -batch -bail "$@" | tr '\n' ' ' | sed 's/ $//'
}
want() { # want WHAT GOT EXPECTED
	[ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
}
ls -- *-journal *-wal *-shm 2>/dev/null | grep . >/dev/null &&
	fail "journal or WAL files left: $(ls -- *-journal *-wal *-shm)"
case $case in
create)
	want integrity "$(q test.db 'PRAGMA integrity_check')" ok
	want items "$(q test.db "SELECT count(*), sum(qty) FROM item
		WHERE tag <> 'x'")" "20000|959307"
	want savepoint "$(q test.db "SELECT name FROM item WHERE tag = 'x'")" sp1
	want index "$(q test.db "SELECT name FROM sqlite_schema
		WHERE type = 'index' AND name = 'item_tag'")" item_tag
	want blobs "$(q test.db 'SELECT count(*), sum(length(data)) FROM blob')" \
		"100|1638400"
	want attached "$(q other.db 'SELECT count(*) FROM copy')" 206
	want pragma "$(q other.db 'PRAGMA integrity_check')" ok
	;;
host)
	want integrity "$(q host.db 'PRAGMA integrity_check')" ok
	want host "$(q host.db "SELECT group_concat(word || '=' || n, ',')
		FROM host ORDER BY id")" \
		"alpha=1,beta=20,gamma=3,bravo=40,from-toro=99"
	want guest "$(q host.db 'SELECT count(*), sum(len) FROM guest')" "5|28"
	;;
locking)
	want rows "$(q lock.db 'SELECT count(*), sum(x) FROM t')" "3|3"
	;;
wal)
	want mode "$(q wal.db 'PRAGMA journal_mode')" wal
	want rows "$(q wal.db "SELECT count(*), max(id) FROM w
		WHERE v <> 'last'")" "4000|4999"
	want integrity "$(q wal.db 'PRAGMA integrity_check')" ok
	;;
wal_shared)
	want rows "$(q walshared.db "SELECT group_concat(v, '') FROM w")" abc
	want integrity "$(q walshared.db 'PRAGMA integrity_check')" ok
	;;
*)
	fail "unknown case"
	;;
esac
echo "check.sh $case: the host's sqlite3 agrees"
