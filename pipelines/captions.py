"""Captions live in their own column, each once, and never in `text`.

CMS pages often print a caption twice (in <figcaption> and again as a paragraph), and
naive scrapers keep both copies in the body: remove every copy of a known caption from
the text, and treat a short line printed twice in a row as a caption. A photo story
(`layout == "photo_story"`: captions carry most of the prose) keeps its captions in the
text: they are its body."""
from __future__ import annotations

from pipelines.text_keys import line_key
from pipelines.items import any_item

CAPTION_MAX_WORDS = 60


def separate_captions(lines: list[str], captions: list[str]) -> tuple[list[str], list[str]]:
    """(text lines without caption copies, distinct captions in order)."""
    distinct: dict[str, str] = {}
    for caption in captions:
        distinct.setdefault(line_key(caption), caption)
    keys = [line_key(line) for line in lines]
    for i in range(len(lines) - 1):
        short = len(lines[i].split()) <= CAPTION_MAX_WORDS
        if keys[i] and keys[i] == keys[i + 1] and short:
            distinct.setdefault(keys[i], lines[i])
    distinct.pop("", None)
    kept = [line for line, key in zip(lines, keys) if key not in distinct]
    return kept, list(distinct.values())


def clean_article(article):
    lines, captions = separate_captions(article.text.splitlines(), article.captions)
    if getattr(article, "layout", "article") == "photo_story":
        article.captions = captions
        return article
    article.text, article.captions = "\n".join(lines), captions
    return article


class CaptionsPipeline:
    """Scrapy step: move caption copies out of `text` into `captions`."""

    @any_item
    def process_item(self, item):
        return clean_article(item)
