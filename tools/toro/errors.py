# SPDX-License-Identifier: MIT
"""Exit codes of the toro command, and the error that carries one."""

FAILED = 1          # a program toro image runs failed (its message says)
USAGE = 2           # a bad flag or argument, a missing or non-PVH ELF
TIMEOUT = 124       # the guest did not stop within --timeout (as timeout(1))
GUEST_PANIC = 125   # the guest panicked or faulted (TORO_EXIT_PANIC)
NO_STATUS = 126     # QEMU failed, or the guest stopped without an exit status
NOT_FOUND = 127     # QEMU or a build tool is missing
INTERRUPTED = 130   # Ctrl-C


class ToroError(Exception):
    """An error reported as one line, `toro: <message>`, with an exit code."""

    def __init__(self, message, code=USAGE):
        super().__init__(message)
        self.code = code
