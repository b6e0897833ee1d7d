"""The naive stack, the baseline of `make bench`: a plain Scrapy spider that calls trafilatura
and underthesea, as a new user would write it in an afternoon.

Discovery from robots.txt sitemaps (Scrapy's SitemapSpider), trafilatura.extract on each page,
underthesea.word_tokenize on the whole text, one JSON line per article. No site rules, no
boilerplate or caption handling, no quality gate, no dedup, no parquet, no state: everything
runs in one process, and tokenisation blocks the reactor.

    python benchmarks/naive_spider.py http://127.0.0.1:PORT/ out.jsonl

Scrapy settings: the same no-politeness settings `make bench` gives our crawl against the
local server (no delay, no AutoThrottle, 8 requests per domain), robots.txt obeyed.
"""
from __future__ import annotations

import sys

import trafilatura
from scrapy.crawler import CrawlerProcess
from scrapy.spiders import SitemapSpider
from underthesea import word_tokenize

LOCAL_SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                  "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
                  "ROBOTSTXT_OBEY": True, "COOKIES_ENABLED": False, "LOG_LEVEL": "INFO",
                  "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False}


class NaiveSpider(SitemapSpider):
    name = "naive"

    def __init__(self, start: str, **kwargs):
        self.sitemap_urls = [start.rstrip("/") + "/robots.txt"]
        super().__init__(**kwargs)

    def parse(self, response):
        text = trafilatura.extract(response.text)
        if text:
            yield {"url": response.url, "title": response.css("h1::text").get(),
                   "text": text, "tokens": word_tokenize(text, format="text")}


def main(argv: list[str]) -> int:
    start, out = argv
    settings = dict(LOCAL_SETTINGS, FEEDS={out: {"format": "jsonlines", "overwrite": True,
                                                  "encoding": "utf-8"}})
    process = CrawlerProcess(settings)
    process.crawl(NaiveSpider, start=start)
    process.start()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        raise SystemExit(0 if len(sys.argv) > 1 else 1)
    raise SystemExit(main(sys.argv[1:]))
