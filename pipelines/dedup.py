"""Exact duplicates: one row per canonical URL and per normalised text, across runs.

Keys already committed to the corpus are loaded when the crawl opens, from the callable the
DEDUP_KNOWN_KEYS setting names (dotted path; it takes the crawler and returns (urls, hashes);
unset: only this run's keys); keys of this run are added as items pass, so two URLs of one
article in the same run also collapse."""
from __future__ import annotations

from scrapy.utils.misc import load_object

from pipelines.drops import DuplicateContent, DuplicateURL
from pipelines.normalize import content_hash
from pipelines.items import any_item


class SeenKeys:
    """URLs and content hashes known to the corpus or earlier in this run."""

    def __init__(self, urls: set[str] | None = None, hashes: set[str] | None = None):
        self.urls = set(urls or ())
        self.hashes = set(hashes or ())

    @classmethod
    def for_crawler(cls, crawler) -> "SeenKeys":
        """One instance per crawl, loaded by DEDUP_KNOWN_KEYS (the harvest state, in ours)."""
        if not hasattr(crawler, "vnnews_seen"):
            loader = crawler.settings.get("DEDUP_KNOWN_KEYS")
            crawler.vnnews_seen = cls(*load_object(loader)(crawler)) if loader else cls()
        return crawler.vnnews_seen

    def check_and_add(self, article) -> None:
        """Raise the duplicate drop that applies, else remember the article's keys."""
        if article.url in self.urls:
            raise DuplicateURL(f"duplicate URL: {article.url}")
        if article.content_hash in self.hashes:
            raise DuplicateContent(f"duplicate text: {article.url}")
        self.urls.update(u for u in (article.url, article.fetched_url) if u)
        self.hashes.add(article.content_hash)


class DedupPipeline:
    """Scrapy step: computes content_hash, drops duplicates (keys from the harvest state)."""

    def __init__(self, seen: SeenKeys):
        self.seen = seen

    @classmethod
    def from_crawler(cls, crawler):
        return cls(SeenKeys.for_crawler(crawler))

    @any_item
    def process_item(self, item):
        item.content_hash = content_hash(item.text)
        self.seen.check_and_add(item)
        return item
