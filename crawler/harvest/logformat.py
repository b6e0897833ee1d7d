"""Log lines name an item by its URL: Scrapy's own formatter writes a dropped or failed item in
full (9 KB per article) at INFO and ERROR. The full item is kept at DEBUG only."""
from __future__ import annotations

from scrapy.logformatter import LogFormatter


class PageLogFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider=None):
        entry = super().dropped(item, exception, response, spider)
        return {**entry, "msg": "Dropped %(url)s: %(exception)s",
                "args": {"url": _url(item, response), "exception": exception}}

    def item_error(self, item, exception, response, spider=None):
        entry = super().item_error(item, exception, response, spider)
        return {**entry, "msg": "Error processing %(url)s", "args": {"url": _url(item, response)}}


def _url(item, response) -> str:
    return getattr(item, "url", None) or getattr(response, "url", None) or "an item"
