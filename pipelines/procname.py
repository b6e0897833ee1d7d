"""Worker processes name themselves, so that `top`, `ps -o comm` and the benchmarks tell the
crawler's page parsers from its tokenisers (all are `python` otherwise)."""
from __future__ import annotations

import ctypes

PR_SET_NAME = 15        # prctl option (Linux): the thread's name, which is /proc/PID/comm


def name_process(name: str) -> None:
    """Set this process's short name (15 bytes at most); a no-op where prctl is missing."""
    try:
        ctypes.CDLL(None).prctl(PR_SET_NAME, name.encode()[:15], 0, 0, 0)
    except (OSError, AttributeError):
        pass
