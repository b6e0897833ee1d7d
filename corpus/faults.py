"""Fault injection for the tests: VNNEWS_CRASH_AT=<point>:<n> kills this process with SIGKILL
the n-th time it reaches <point> (the exactly-once tests); VNNEWS_HANG_AT, see hang_point.
Unset (always, outside tests) they do nothing."""
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


def hang_point(point: str, key: str) -> None:
    """VNNEWS_HANG_AT=<point>:<text> makes this process hang for good when it reaches <point>
    with a key (a page URL) holding <text>: a page whose extraction never ends."""
    name, _, text = os.environ.get("VNNEWS_HANG_AT", "").partition(":")
    if name == point and text and text in key:
        signal.pause()
