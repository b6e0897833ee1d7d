"""Crash injection for the exactly-once tests: VNNEWS_CRASH_AT=<point>:<n> kills this process
with SIGKILL the n-th time it reaches <point>. Unset (always, outside tests) it does nothing."""
import os
import signal

_counts: dict[str, int] = {}


def crash_point(point: str) -> None:
    spec = os.environ.get("VNNEWS_CRASH_AT")
    if not spec:
        return
    name, _, nth = spec.partition(":")
    if name != point:
        return
    _counts[point] = _counts.get(point, 0) + 1
    if _counts[point] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
