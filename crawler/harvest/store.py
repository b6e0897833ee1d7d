"""Scrapy step that commits articles to the parquet corpus (last in the chain), then marks
them in the harvest state: file first, state second (see crawler/harvest/state.py).

Rows are committed in small batches, CORPUS_FLUSH_ROWS rows or CORPUS_FLUSH_SECONDS seconds,
whichever comes first, so a run killed at any moment loses at most its last batch (whose
pages the next run fetches again). A full or read-only output stops the run (finish reason
`output_error`, exit 1) with one line in the log: files committed before stay intact."""
from __future__ import annotations

import logging
import sqlite3

from twisted.internet import task

from corpus.faults import crash_point
from crawler.harvest.state import state_for
from crawler.spiders.stopping import stop_run
from corpus.writer import CorpusWriter, run_id_for
from pipelines.drops import ArticleDrop, OverLimit

logger = logging.getLogger(__name__)
FILLED_FIELDS = ("lead", "author", "published_at", "captions", "category", "tags")
OUTPUT_ERRORS = (OSError, sqlite3.Error)


class NotWritten(ArticleDrop):
    """The output stopped taking rows (disk full, read-only): the next run fetches it again."""


def output_failed(crawler, exc: Exception) -> None:
    """Stop the run once, for good: nothing more can be written."""
    if crawler.stats.get_value("vnnews/output_error"):
        return
    message = getattr(exc, "strerror", None) or str(exc)
    crawler.stats.set_value("vnnews/output_error", f"{message} ({crawler.settings.get('CORPUS_DIR')})")
    logger.error("output not writable, stopping: %s", message)
    stop_run(crawler, "output_error")


class CorpusPipeline:
    """CORPUS_DIR: output directory; CORPUS_FLUSH_ROWS, CORPUS_FLUSH_SECONDS: batch bounds;
    VNNEWS_MAX_ARTICLES: per-site cap for this run (0 = none)."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.state = state_for(crawler)
        self.max_articles = settings.getint("VNNEWS_MAX_ARTICLES", 0)
        self.writer = CorpusWriter(settings.get("CORPUS_DIR"), run_id_for(crawler),
                                   settings.getint("CORPUS_FLUSH_ROWS", 50),
                                   before_commit=getattr(self.state, "before_commit", None))
        self.flush_seconds = settings.getfloat("CORPUS_FLUSH_SECONDS", 30.0)
        self.timer = task.LoopingCall(self.flush)
        self.saved: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        if self.flush_seconds > 0:
            self.timer.start(self.flush_seconds, now=False)

    def process_item(self, item):
        if self.stats.get_value("vnnews/output_error"):
            raise NotWritten(f"output not writable: {item.url}")
        count = self.saved.get(item.site, 0)
        if self.max_articles and count >= self.max_articles:
            raise OverLimit(f"{item.site} already has {self.max_articles} articles in this run")
        self.saved[item.site] = count + 1
        for field in FILLED_FIELDS:
            if getattr(item, field):
                self.stats.inc_value(f"vnnews/filled/{item.site}/{field}")
        self._commit(lambda: self.writer.add(item))
        return item

    def flush(self) -> None:
        if self.writer.buffer and not self.stats.get_value("vnnews/output_error"):
            self._commit(self.writer.flush)

    def _commit(self, write) -> None:
        try:
            for path, rows in write():
                crash_point("after_rename")
                self.state.mark_file(path.relative_to(self.writer.directory).as_posix(), rows)
                for row in rows:
                    self.stats.inc_value(f"vnnews/saved/{row['site']}")
                    self.stats.inc_value("vnnews/saved_words", row.get("n_words") or 0)
        except OUTPUT_ERRORS as exc:
            output_failed(self.crawler, exc)

    def close_spider(self, spider=None):
        if self.timer.running:
            self.timer.stop()
        self.flush()
        self.stats.set_value("vnnews/files", [str(p) for p in self.writer.files])
        logger.info("committed %d parquet files to %s", len(self.writer.files),
                    self.writer.directory)
