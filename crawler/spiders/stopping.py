"""Stopping a run on time. --max-runtime's deadline (VNNEWS_MAX_RUNTIME) and SIGTERM/SIGINT
end a crawl within seconds, with every page already received parsed and written.

Scrapy alone closes only after every download in flight ends (up to DOWNLOAD_TIMEOUT each,
and a slot's queued requests one DOWNLOAD_DELAY at a time). Here, once the run stops, the
downloads in flight are cancelled (StoppableDownloadHandler), requests queued in the
downloader fail at once, Retry-After waits end, and no new request starts: each is dropped
as `stopped`, to be fetched by the next run. Responses already received still go through the
spider and the pipelines (Scrapy's graceful close), so their rows are written.
"""
from __future__ import annotations

import asyncio
import time

from scrapy import signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task
from twisted.python.failure import Failure

DEADLINE_REASON = "closespider_timeout"      # the finish reason Scrapy's own timeout uses


class Stopped(IgnoreRequest):
    """A request not fetched because the run is stopping."""
    reason = "stopped"


class Clock:
    """The run's deadline, and whether it is stopping (for whatever cause)."""

    def __init__(self):
        self.deadline: float | None = None
        self.stopping = asyncio.Event()

    def left(self) -> float | None:
        """Seconds until the deadline (0 once stopping), None without a deadline."""
        if self.stopping.is_set():
            return 0.0
        return None if self.deadline is None else self.deadline - time.monotonic()

    async def sleep(self, seconds: float) -> bool:
        """Wait; False when the run started stopping meanwhile."""
        try:
            await asyncio.wait_for(self.stopping.wait(), seconds)
        except asyncio.TimeoutError:
            return True
        return False


def clock_for(crawler) -> Clock:
    """The crawl's one Clock, shared by the extension, the middlewares and the handler."""
    if getattr(crawler, "vnnews_clock", None) is None:
        crawler.vnnews_clock = Clock()
    return crawler.vnnews_clock


def stop_run(crawler, reason: str | None = None) -> None:
    """Stop fetching now; with a reason, also close the spider (else someone else does)."""
    clock = clock_for(crawler)
    if not clock.stopping.is_set():
        clock.stopping.set()
        _fail_queued(crawler.engine.downloader)
    if reason:
        deferred_from_coro(crawler.engine.close_spider_async(reason=reason))


def _fail_queued(downloader) -> None:
    for slot in downloader.slots.values():
        while slot.queue:
            request, queued = slot.queue.popleft()
            queued.errback(Failure(Stopped(f"run stopping: {request.url} not fetched")))


class RunDeadline:
    """Extension: VNNEWS_MAX_RUNTIME seconds after the engine starts (0: no limit), stop and
    close as `closespider_timeout`; when Scrapy starts a graceful stop (SIGTERM, SIGINT), stop
    fetching too."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.max_runtime = crawler.settings.getfloat("VNNEWS_MAX_RUNTIME")
        self.watch = task.LoopingCall(self.check)
        self.timer = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.started, signal=signals.engine_started)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def started(self):
        from twisted.internet import reactor
        if self.max_runtime:
            clock_for(self.crawler).deadline = time.monotonic() + self.max_runtime
            self.timer = reactor.callLater(self.max_runtime, stop_run, self.crawler,
                                           DEADLINE_REASON)
        self.watch.start(0.25, now=False)

    def check(self):
        if not self.crawler.crawling:          # Scrapy's shutdown handler ran
            stop_run(self.crawler)

    def closed(self, spider, reason):
        stats = self.crawler.stats
        # Requests still queued when the spider closed are discarded unseen: say how many.
        stats.set_value("vnnews/requests_pending", stats.get_value("scheduler/enqueued", 0)
                        - stats.get_value("scheduler/dequeued", 0))
        if self.timer and self.timer.active():
            self.timer.cancel()
        if self.watch.running:
            self.watch.stop()


class StoppableDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler whose downloads are cancelled (connection aborted) when the
    run stops."""

    async def download_request(self, request):
        stopping = clock_for(self._crawler).stopping
        if stopping.is_set():
            raise Stopped(f"run stopping: {request.url} not fetched")
        download = asyncio.ensure_future(super().download_request(request))
        waiting = asyncio.ensure_future(stopping.wait())
        try:
            await asyncio.wait({download, waiting}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiting.cancel()
            if not download.done():
                download.cancel()        # cancels Twisted's Deferred, which aborts the connection
        if download.cancelled() or not download.done():
            raise Stopped(f"run stopping: download of {request.url} cancelled")
        return download.result()
