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
import re
import signal

from corpus.faults import hang_point
from crawler.pages import NoArticle, extract_article
from pipelines.encoding import UndecodableError, decode_html
from pipelines.procname import name_process

# C0 controls but tab and line breaks, and DEL: never text. The HTML parser would turn each
# into U+FFFD, a "lost letter" that gets a field refused; decode_html has already refused
# pages holding 1 in 200 or more of them.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WORKER_NAME = "vnnews-parse"    # the workers' process name (ps, top, benchmarks)


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
    """Worker loop; dies with the crawler even when that is killed with SIGKILL."""
    name_process(WORKER_NAME)
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)        # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        conn.send(_run(job))


class _Worker:
    def __init__(self, context):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True,
                                       name="vnnews-parse")
        self.process.start()
        child.close()

    def call(self, job: tuple) -> tuple:
        self.conn.send(job)
        return self.conn.recv()

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


class ParsePool:
    def __init__(self, workers: int, timeout: float):
        self.workers, self.timeout = workers, timeout
        self.context = multiprocessing.get_context("spawn")
        self.idle: asyncio.Queue | None = None

    async def parse(self, body: bytes, charset: str | None, url: str, site, fetched_at=None):
        """The page's Article; raises PageDropped with a reason."""
        job = (body, charset, url, site, fetched_at)
        if not self.workers:
            return _unpack(_run(job))
        if self.idle is None:
            self.idle = asyncio.Queue()
            for _ in range(self.workers):
                self.idle.put_nowait(_Worker(self.context))
        worker = await self.idle.get()
        try:
            result = await asyncio.wait_for(asyncio.to_thread(worker.call, job), self.timeout)
        except (asyncio.TimeoutError, EOFError, OSError) as exc:
            worker.kill()
            worker = _Worker(self.context)
            result = ("drop", "ParseTimeout", f"extraction took over {self.timeout:g} s") \
                if isinstance(exc, asyncio.TimeoutError) else \
                ("drop", "ParseError", "the extraction worker died")
        finally:
            self.idle.put_nowait(worker)
        return _unpack(result)

    def close(self) -> None:
        while self.idle is not None and not self.idle.empty():
            self.idle.get_nowait().kill()
