"""Article pages are decoded and extracted in worker processes, with a time limit per page.

Extraction is CPU work on HTML nobody vetted. In the crawler process it would block Scrapy's
event loop: a pathological page would stall the whole run, and SIGTERM would wait for it.
Here a page whose extraction overruns VNNEWS_PARSE_TIMEOUT seconds has its worker killed and
replaced, and is dropped as ParseTimeout; an extractor that fails or dies drops the page as
ParseError. VNNEWS_PARSE_WORKERS processes (0: in the crawler process, with no time limit).
"""
from __future__ import annotations

import asyncio
import ctypes
import multiprocessing
import queue
import re
import signal
import threading
import time
from collections import deque

from corpus.faults import hang_point
from crawler.pages import NoArticle, extract_article
from pipelines.encoding import UndecodableError, decode_html
from pipelines.procname import name_process

# C0 controls but tab and line breaks, and DEL: never text. The HTML parser would turn each
# into U+FFFD, a "lost letter" that gets a field refused; decode_html has already refused
# pages holding 1 in 200 or more of them.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WORKER_NAME = "vnnews-parse"    # the workers' process name (ps, top, benchmarks)
PIPELINE_DEPTH = 2              # pages in a worker at once: the one it parses and the next


class PageDropped(Exception):
    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def parse_page(body: bytes, charset: str | None, url: str, site, fetched_at=None):
    """HTML bytes -> Article; raises PageDropped (Undecodable, NotAnArticle). `fetched_at`:
    what relative dates ("2 giờ trước") count from."""
    hang_point("extract", url)
    try:
        html = decode_html(body, charset)[0]
    except UndecodableError as exc:
        raise PageDropped("Undecodable", f"undecodable: {exc}") from None
    try:
        return extract_article(CONTROLS.sub("", html), url, site, fetched_at=fetched_at)
    except NoArticle as exc:
        raise PageDropped("NotAnArticle", str(exc)) from None


def _run(job: tuple) -> tuple:
    """parse_page as data that crosses a pipe: ("ok", article) or ("drop", reason, message)."""
    try:
        return "ok", parse_page(*job)
    except PageDropped as drop:
        return "drop", drop.reason, str(drop)
    except Exception as exc:  # noqa: BLE001 - one bad page must not end the run
        return "drop", "ParseError", f"extraction failed: {type(exc).__name__}: {exc}"


def _unpack(result: tuple):
    if result[0] == "ok":
        return result[1]
    raise PageDropped(result[1], result[2])


def _serve(conn) -> None:
    """Worker loop; dies with the crawler even when that is killed with SIGKILL.

    A reader thread takes pages off the pipe as they come, so the crawler's send of the next
    page never waits for this one to be parsed (nor the two sides for each other's send)."""
    name_process(WORKER_NAME)
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)        # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass
    jobs: queue.SimpleQueue = queue.SimpleQueue()

    def read() -> None:
        while True:
            try:
                jobs.put(conn.recv())
            except (EOFError, OSError):
                jobs.put(None)
                return
    threading.Thread(target=read, daemon=True, name="vnnews-parse-read").start()
    while (job := jobs.get()) is not None:
        conn.send(_run(job))


class _Job:
    """A page on its way through a worker, and the crawl's future waiting for it."""
    __slots__ = ("args", "future", "loop")

    def __init__(self, args: tuple, loop: asyncio.AbstractEventLoop):
        self.args, self.loop, self.future = args, loop, loop.create_future()

    def settle(self, result: tuple) -> None:
        try:
            self.loop.call_soon_threadsafe(_deliver, self.future, result)
        except RuntimeError:          # the event loop is gone: nobody waits any more
            pass


def _deliver(future: asyncio.Future, result: tuple) -> None:
    if not future.done():             # cancelled when the crawl stopped
        future.set_result(result)


class _Worker:
    """One parsing process, fed by a thread of the crawler process.

    The thread keeps PIPELINE_DEPTH pages in the process (the one being parsed and the next),
    so the process starts the next page the moment it is done, without waiting for Scrapy's
    event loop to hand it one: with one page at a time, the worker sat idle about 45% of a
    crawl. The pool's watchdog kills a process whose current page overruns the time limit;
    the thread then drops that page (ParseTimeout; ParseError if the process died by
    itself), starts a new process and sends it the pages that were queued behind."""

    def __init__(self, pool: "ParsePool"):
        self.pool = pool
        self.lock = threading.Lock()     # current, since, killed_for, process
        self.current: _Job | None = None  # the page the process is parsing
        self.since = 0.0                  # since when (time.monotonic())
        self.killed_for: _Job | None = None
        self._spawn()
        self.thread = threading.Thread(target=self._feed, daemon=True, name="vnnews-parse-feed")
        self.thread.start()

    def _spawn(self) -> None:
        conn, child = self.pool.context.Pipe()
        process = self.pool.context.Process(target=_serve, args=(child,), daemon=True,
                                            name=WORKER_NAME)
        process.start()
        child.close()
        with self.lock:
            self.conn, self.process = conn, process

    def _feed(self) -> None:
        pending: deque[_Job] = deque()
        while not self.pool.closed.is_set():
            while len(pending) < PIPELINE_DEPTH:
                try:
                    job = self.pool.jobs.get(block=not pending)
                except queue.Empty:
                    break
                if job is None:                      # the pool is closing
                    self._give_up(pending)
                    return
                pending.append(job)
                self._track(pending)
                if not self._send(job):
                    break                            # it died: the receive below says so
            try:
                result = self.conn.recv()
            except (EOFError, OSError):
                if not self.pool.closed.is_set():
                    self._replace(pending)
                continue
            pending.popleft().settle(result)
            self._track(pending)
        self._give_up(pending)

    def _send(self, job: _Job) -> bool:
        try:
            self.conn.send(job.args)
            return True
        except OSError:
            return False

    def _track(self, pending: deque) -> None:
        """The oldest page sent is the one being parsed; its clock starts when it gets there."""
        head = pending[0] if pending else None
        with self.lock:
            if head is not self.current:
                self.current, self.since = head, time.monotonic()

    def _replace(self, pending: deque) -> None:
        """The process died or was killed: drop the page it died on, start a new process and
        send it the pages queued behind."""
        with self.lock:
            killed_for, self.killed_for = self.killed_for, None
        self.kill()
        if killed_for is pending[0]:
            pending.popleft().settle(
                ("drop", "ParseTimeout", f"extraction took over {self.pool.timeout:g} s"))
        elif killed_for is None:
            pending.popleft().settle(("drop", "ParseError", "the extraction worker died"))
        # else: killed over a page whose result had just arrived; the rest are not to blame
        self._spawn()
        if self.pool.closed.is_set():        # close() may have missed the new process
            self.kill()
            return
        self._track(pending)
        for job in pending:
            if not self._send(job):
                break

    def _give_up(self, pending: deque) -> None:
        for job in pending:
            job.settle(("drop", "ParseError", "the crawl stopped before extraction"))
        pending.clear()

    def overran(self, now: float) -> None:
        """Kill the process if its current page has taken longer than the time limit."""
        with self.lock:
            if (self.current is not None and self.killed_for is None
                    and now - self.since > self.pool.timeout):
                self.killed_for = self.current
                self.process.kill()

    def kill(self) -> None:
        with self.lock:
            process, conn = self.process, self.conn
        process.kill()
        process.join()
        conn.close()


class ParsePool:
    def __init__(self, workers: int, timeout: float):
        self.workers, self.timeout = workers, timeout
        self.context = multiprocessing.get_context("spawn")
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.closed = threading.Event()
        self.running: list[_Worker] = []

    async def parse(self, body: bytes, charset: str | None, url: str, site, fetched_at=None):
        """The page's Article; raises PageDropped with a reason."""
        args = (body, charset, url, site, fetched_at)
        if not self.workers:
            return _unpack(_run(args))
        if not self.running:
            self._start()
        job = _Job(args, asyncio.get_running_loop())
        self.jobs.put(job)
        return _unpack(await job.future)

    def _start(self) -> None:
        self.running = [_Worker(self) for _ in range(self.workers)]
        threading.Thread(target=self._watch, daemon=True, name="vnnews-parse-watch").start()

    def _watch(self) -> None:
        interval = min(0.25, self.timeout / 4)
        while not self.closed.wait(interval):
            now = time.monotonic()
            for worker in self.running:
                worker.overran(now)

    def close(self) -> None:
        self.closed.set()
        for _ in self.running:
            self.jobs.put(None)
        for worker in self.running:
            worker.kill()
        for worker in self.running:
            worker.thread.join(timeout=5)
        self.running = []
