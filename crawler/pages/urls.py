"""Rule-free recognition of article URLs by shape (slug + numeric id, -post123.html, .chn,
date paths), and a configured site's own article patterns. Used by discovery (which links
to follow) and by page classification (a page whose URL has no article shape)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.sites.registry import Site

# URL shapes of Vietnamese article pages when a site declares none.
_ARTICLE_SHAPES = [re.compile(p) for p in (
    r"-\d{5,}\.(html?|chn|aspx)$",          # slug-123456.html / .htm / .chn
    r"-(post|d|p|a|n)\d{3,}\.html?$",       # -post123.html, -d538952.html
    r"/\d{4}/\d{1,2}/\d{1,2}/[^/]+",        # date paths
    r"[-_/]\d{8,}(\.html?)?$",              # ...-20250612.html, /2495349
    r"/[a-z0-9]+(-[a-z0-9]+){3,}\.html?$",  # long slug .html (the weakest shape)
)]
# A whole path segment naming a non-article page; "video-..." and "tag-..." slugs too, but
# not "anh-..." (ảnh hưởng, ánh sáng start many headlines).
NOT_ARTICLE = re.compile(
    r"/(tag|tags|tu-khoa|chu-de|tac-gia|author|video|videos|print|in-bai|search|tim-kiem|rss|"
    r"login|dang-nhap|lien-he|contact)(/|\.|-|$)"
    r"|/(clip|gallery|galleries|album|photo|photos|anh|emagazine|podcasts?|multimedia)(/|\.|$)",
    re.I)


def looks_like_article(url: str) -> bool:
    """Rule-free recognition of article URLs by shape."""
    path = urlsplit(url).path
    if NOT_ARTICLE.search(path):
        return False
    return any(p.search(path) for p in _ARTICLE_SHAPES)


def is_article_url(url: str, site: Site) -> bool:
    if site.is_denied(url) or NOT_ARTICLE.search(urlsplit(url).path):
        return False
    return site.is_article_url(url) if site.urls.article else looks_like_article(url)


def has_id(url: str) -> bool:
    """The URL carries an id or a date (every shape but the id-less slug)."""
    path = urlsplit(url).path
    return any(p.search(path) for p in _ARTICLE_SHAPES[:-1])
