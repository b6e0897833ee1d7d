"""Run a command as a child process and measure it: wall time, CPU of the whole process tree,
CPU per process kind over time, peak RSS of the tree.

- Total CPU is exact: os.wait4 returns the child's rusage, which includes every descendant
  it waited for (the tokenizer pool joins its workers).
- The split between the main process and its worker processes, and the timeline used to
  cut a run into phases, come from psutil samples every `interval` seconds (a process's
  last samples before it exits are lost: at most `interval` of its CPU).
- Peak RSS is the largest sum of RSS over the tree in any sample (spawned workers share
  no pages with their parent, so the sum is not inflated by copy-on-write).
"""
from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil


@dataclass
class Sample:
    t: float                  # time.time()
    main: float               # CPU seconds of the main process so far
    workers: float            # CPU seconds of its tokenizer workers so far (exited ones too)
    rss_mb: float = 0.0       # RSS of the whole tree now
    parse: float = 0.0        # CPU seconds of its page-parsing workers so far


@dataclass
class Run:
    name: str
    wall: float = 0.0
    cpu: float = 0.0          # exact, whole tree (wait4)
    peak_rss_mb: float = 0.0
    exit_code: int = 0
    started: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    worker_pids: set = field(default_factory=set)
    parse_pids: set = field(default_factory=set)

    @property
    def main_cpu(self) -> float:
        return self.samples[-1].main if self.samples else self.cpu

    @property
    def worker_cpu(self) -> float:
        return self.samples[-1].workers if self.samples else 0.0

    @property
    def parse_cpu(self) -> float:
        return self.samples[-1].parse if self.samples else 0.0

    def peak_rss_between(self, start: float, end: float) -> float:
        return max((s.rss_mb for s in self.samples if start <= s.t <= end), default=0.0)

    def cpu_at(self, when: float, kind: str) -> float:
        """CPU seconds of `kind` ('main' or 'workers') at time `when`, from the samples."""
        before = [s for s in self.samples if s.t <= when]
        return getattr(before[-1], kind) if before else 0.0


PARSE_NAME = "vnnews-parse"        # crawler/spiders/parsing.py names its workers so


def _kind(proc: psutil.Process) -> str:
    """'parse' for a page-parsing worker, 'worker' for a tokenizer (or other pool) process,
    'helper' for multiprocessing's resource tracker."""
    try:
        cmd, name = " ".join(proc.cmdline()), proc.name()
    except psutil.Error:
        return "gone"
    if "resource_tracker" in cmd:
        return "helper"
    return "parse" if name == PARSE_NAME else "worker"


def _cpu(proc: psutil.Process) -> float | None:
    try:
        times = proc.cpu_times()
        return times.user + times.system
    except psutil.Error:
        return None


def _rss(proc: psutil.Process) -> int:
    try:
        return proc.memory_info().rss
    except psutil.Error:
        return 0


def run(name: str, cmd: list[str], log: Path, cwd: Path | None = None,
        env: dict | None = None, interval: float = 0.2) -> Run:
    """Run cmd to completion (stdout and stderr to `log`) and measure it."""
    result = Run(name)
    last_cpu: dict[int, tuple[str, float]] = {}   # pid -> (kind, last CPU seen); exited keep it
    with open(log, "wb") as out:
        result.started = t0 = time.time()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                env={**os.environ, **(env or {})})
        root = psutil.Process(proc.pid)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            _sample(root, result, last_cpu)
            time.sleep(interval)
        result.wall = time.time() - t0
    proc.returncode = result.exit_code = os.waitstatus_to_exitcode(status)
    result.cpu = usage.ru_utime + usage.ru_stime
    return result


def _sample(root: psutil.Process, result: Run, last_cpu: dict[int, float]) -> None:
    try:
        children = root.children(recursive=True)
    except psutil.Error:
        return
    main = _cpu(root)
    if main is None:
        return
    rss = _rss(root)
    for child in children:
        rss += _rss(child)
        kind = _kind(child)       # each sample: a worker names itself once it has started
        if kind not in ("worker", "parse"):
            continue
        (result.parse_pids if kind == "parse" else result.worker_pids).add(child.pid)
        (result.worker_pids if kind == "parse" else result.parse_pids).discard(child.pid)
        cpu = _cpu(child)
        if cpu is not None:
            last_cpu[child.pid] = (kind, cpu)
    total = {"worker": 0.0, "parse": 0.0}
    for kind, cpu in last_cpu.values():
        total[kind] += cpu
    result.peak_rss_mb = max(result.peak_rss_mb, rss / 2**20)
    result.samples.append(Sample(time.time(), main, total["worker"], rss / 2**20, total["parse"]))
