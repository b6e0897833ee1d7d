"""Progress of a crawl: a live line on a terminal, periodic plain log lines otherwise."""
from __future__ import annotations

import logging
import sys
import time

from scrapy import signals
from twisted.internet import task

from crawler.harvest.stats_keys import DROP_PREFIX, stats_under

logger = logging.getLogger("vnnews.progress")


def drops_total(stats: dict) -> int:
    return sum(stats_under(stats, DROP_PREFIX).values())


def progress_line(stats: dict, elapsed: float) -> str:
    pages = stats.get("response_received_count", 0)
    saved = stats.get("item_scraped_count", 0)
    rate = pages / elapsed * 60 if elapsed > 0 else 0.0
    return (f"{pages} pages fetched, {saved} articles kept, {drops_total(stats)} dropped, "
            f"{stats.get('log_count/ERROR', 0)} errors, {rate:.0f} pages/min")


class Progress:
    """PROGRESS_INTERVAL: seconds between log lines when stderr is not a terminal."""

    def __init__(self, stats, interval: float, live: bool):
        self.stats, self.live = stats, live
        self.interval = 0.5 if live else interval
        self.started = time.monotonic()
        self.loop = None

    @classmethod
    def from_crawler(cls, crawler):
        live = sys.stderr.isatty() and crawler.settings.getbool("PROGRESS_LIVE", True)
        ext = cls(crawler.stats, crawler.settings.getfloat("PROGRESS_INTERVAL", 30.0), live)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider):
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval, now=False)

    def show(self):
        line = progress_line(self.stats.get_stats(), time.monotonic() - self.started)
        if self.live:
            sys.stderr.write("\r\033[K" + line)
            sys.stderr.flush()
        else:
            logger.info(line)

    def closed(self, spider, reason):
        if self.loop and self.loop.running:
            self.loop.stop()
        if self.live:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
