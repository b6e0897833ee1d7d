"""One run at a time per output directory.

An flock on DIR/_run.lock: the kernel releases it when the holder dies, even by SIGKILL, so a
stale lock (dead holder) is simply taken over by the next run. The file says who holds it."""
from __future__ import annotations

import fcntl
import json
import os
import socket
from datetime import datetime, timezone
from pathlib import Path

LOCK_FILE = "_run.lock"
EXIT_LOCKED = 75      # EX_TEMPFAIL: cron may simply try again later


class Locked(Exception):
    """Another live run holds the directory; the message names it."""


class RunLock:
    def __init__(self, directory: Path):
        self.path = Path(directory) / LOCK_FILE
        self.handle = None

    def acquire(self, run_id: str) -> "RunLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = _describe(handle.read())
            handle.close()
            raise Locked(f"locked: {holder} holds {self.path}") from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "run_id": run_id,
                                 "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}))
        handle.flush()
        self.handle = handle
        return self

    def release(self) -> None:
        if self.handle:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()


def live_run_id(directory: Path) -> str | None:
    """The run id of the live run holding DIR's lock, or None."""
    path = Path(directory) / LOCK_FILE
    if not path.exists():
        return None
    with open(path) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                return json.loads(handle.read()).get("run_id")
            except ValueError:
                return None
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


def _describe(text: str) -> str:
    try:
        info = json.loads(text)
        return f"run {info['run_id']} (pid {info['pid']} on {info['host']}, since {info['since']})"
    except (ValueError, KeyError):
        return "another run"
