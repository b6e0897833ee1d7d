"""Scrapy step that commits articles to the parquet corpus (last in the chain), then marks
them in the harvest state: file first, state second (see crawler/harvest/state.py)."""
from __future__ import annotations

import logging

from corpus.faults import crash_point
from crawler.harvest.state import state_for
from corpus.writer import CorpusWriter, run_id_for
from pipelines.drops import OverLimit

logger = logging.getLogger(__name__)
FILLED_FIELDS = ("lead", "author", "published_at", "captions", "category", "tags")


class CorpusPipeline:
    """CORPUS_DIR: output directory; CORPUS_FLUSH_ROWS: rows per commit;
    VNNEWS_MAX_ARTICLES: per-site cap for this run (0 = none)."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.stats = crawler.stats
        self.state = state_for(crawler)
        self.max_articles = settings.getint("VNNEWS_MAX_ARTICLES", 0)
        self.writer = CorpusWriter(settings.get("CORPUS_DIR"), run_id_for(crawler),
                                   settings.getint("CORPUS_FLUSH_ROWS", 1000),
                                   before_commit=getattr(self.state, "before_commit", None))
        self.saved: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        count = self.saved.get(item.site, 0)
        if self.max_articles and count >= self.max_articles:
            raise OverLimit(f"{item.site} already has {self.max_articles} articles in this run")
        self.saved[item.site] = count + 1
        for field in FILLED_FIELDS:
            if getattr(item, field):
                self.stats.inc_value(f"vnnews/filled/{item.site}/{field}")
        self._commit(self.writer.add(item))
        return item

    def _commit(self, files) -> None:
        for path, rows in files:
            crash_point("after_rename")
            self.state.mark_file(path.relative_to(self.writer.directory).as_posix(), rows)
            for row in rows:
                self.stats.inc_value(f"vnnews/saved/{row['site']}")
                self.stats.inc_value("vnnews/saved_words", row.get("n_words") or 0)

    def close_spider(self, spider=None):
        self._commit(self.writer.flush())
        self.stats.set_value("vnnews/files", [str(p) for p in self.writer.files])
        logger.info("committed %d parquet files to %s", len(self.writer.files),
                    self.writer.directory)
