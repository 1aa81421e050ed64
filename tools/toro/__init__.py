# SPDX-License-Identifier: MIT
"""The host side of Toro: the `toro` command (build, run) and its helpers."""
