#!/bin/sh
# SPDX-License-Identifier: MIT
# The Linux vsock guest's script (bench/linux/vsock_guest.py): its
# arguments are vsock_tool's, e.g. "listen 5000 recv"; several commands
# are separated by "+" and run side by side, the last in the foreground.
# The guest then stays up a while: Linux's close() does not wait for
# queued bytes to leave, and powering off at once would lose them; the
# host side kills QEMU when it has what it waited for.
echo "guest: vsock_tool $*"
cmd=""
for word in "$@"; do
	if [ "$word" = "+" ]; then
		/bin/vsock_tool $cmd &
		cmd=""
	else
		cmd="$cmd $word"
	fi
done
/bin/vsock_tool $cmd
status=$?
echo "vsock: exit $status"
sleep 30
exit $status
