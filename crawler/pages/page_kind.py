"""Pages that are not articles but still give text: listings (section, tag, home pages).

Two signals, either is enough:
- the URL: a configured site's article pages match its `urls.article` patterns; on an unknown
  site a page whose URL has no article shape (slug + id, date path, ...) and that links many
  articles under headlines is a section page;
- the text: a listing's "text" is its teasers, so headline links open it and make up a good
  share of its lines (an article's related-news links sit below the story, not at its top).
"""
from __future__ import annotations

from urllib.parse import urljoin

from pipelines.text_keys import line_key

HEADLINE_MIN_WORDS = 4
LISTING_MIN_HEADLINES = 5
LISTING_MIN_SHARE = 0.4
OPENING_LINES = 3
SECTION_MIN_ARTICLE_LINKS = 15     # article pages seen link 1-36; listings 17-64


def _headline_anchors(tree, min_words: int):
    for anchor in tree.xpath("//a[@href]"):
        text = " ".join(anchor.text_content().split())
        if len(text.split()) >= min_words:
            yield anchor, text


def listing_reason(tree, lines: list[str], url: str, site=None) -> str | None:
    """'not an article: ...' when the page is a listing, else None."""
    from crawler.pages.urls import is_article_url, looks_like_article
    if site is not None and site.urls.article:
        if not is_article_url(url, site):
            return f"not an article: {url} is not an article URL of {site.id}"
    elif not looks_like_article(url):
        linked = {urljoin(url, a.get("href")) for a, _ in _headline_anchors(tree, 6)}
        articles = sum(1 for u in linked if looks_like_article(u))
        if articles >= SECTION_MIN_ARTICLE_LINKS:
            return f"not an article: section page ({articles} article links, URL has no article shape)"
    return _teaser_lines(tree, lines)


def _teaser_lines(tree, lines: list[str]) -> str | None:
    if len(lines) < LISTING_MIN_HEADLINES:
        return None
    links = {line_key(text) for _, text in _headline_anchors(tree, HEADLINE_MIN_WORDS)}
    is_link = [line_key(line) in links for line in lines]
    count = sum(is_link)
    if (count >= LISTING_MIN_HEADLINES and count >= LISTING_MIN_SHARE * len(lines)
            and any(is_link[:OPENING_LINES])):
        return f"not an article: listing page ({count} of {len(lines)} lines are headline links)"
    return None
