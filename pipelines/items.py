"""Any Scrapy item through our pipelines: dicts, scrapy.Item, dataclass or attrs objects.

The steps work on the Article dataclass (crawler/items.py). An item of another kind is read
through itemadapter into an Article (fields by name: `url` and `text` needed, `site`
defaults to the URL's host), the step runs, and every Article field the item can hold is
written back: a dict gains them all, a scrapy.Item only those it declares. Drops (the
typed DropItem subclasses of pipelines/drops.py) pass through unchanged."""
from __future__ import annotations

import functools
import inspect
from dataclasses import fields
from urllib.parse import urlsplit

from itemadapter import ItemAdapter

from crawler.items import Article
from pipelines.drops import ArticleDrop

ARTICLE_FIELDS = tuple(f.name for f in fields(Article))


class NotAnArticleItem(ArticleDrop):
    """An item without the fields a text step needs (`url`, `text`): dropped, counted."""


def to_article(item) -> tuple[Article, ItemAdapter | None]:
    """(the Article to work on, the adapter to write it back through; None for an Article)."""
    if isinstance(item, Article):
        return item, None
    adapter = ItemAdapter(item)
    data = {name: adapter[name] for name in ARTICLE_FIELDS if adapter.get(name) is not None}
    missing = [name for name in ("url", "text") if name not in data]
    if missing:
        raise NotAnArticleItem(f"item has no {' or '.join(missing)} field: {sorted(adapter.keys())}")
    data.setdefault("site", urlsplit(data["url"]).hostname or "unknown")
    return Article(**data), adapter


def write_back(article: Article, adapter: ItemAdapter | None) -> None:
    if adapter is None:
        return
    declared = None if isinstance(adapter.item, dict) else set(adapter.field_names())
    for name in ARTICLE_FIELDS:
        if declared is None or name in declared:    # a dict holds any key
            adapter[name] = getattr(article, name)


def any_item(process_item):
    """Decorate a pipeline's process_item (sync or async) to take any kind of item."""
    if inspect.iscoroutinefunction(process_item):
        @functools.wraps(process_item)
        async def process_async(self, item, *args, **kwargs):
            article, adapter = to_article(item)
            await process_item(self, article, *args, **kwargs)
            write_back(article, adapter)
            return item
        return process_async

    @functools.wraps(process_item)
    def process(self, item, *args, **kwargs):
        article, adapter = to_article(item)
        process_item(self, article, *args, **kwargs)
        write_back(article, adapter)
        return item
    return process
