"""Page metadata every CMS declares somewhere: meta tags, JSON-LD, <time>, canonical link."""
from __future__ import annotations

import html
import json
from urllib.parse import urljoin, urldefrag

from crawler.pages.html_text import element_text


def meta(tree, *names: str) -> str | None:
    """First non-empty <meta name|property|itemprop=...> content among the names."""
    for name in names:
        for attr in ("property", "name", "itemprop"):
            for node in tree.xpath(f'//meta[@{attr}="{name}"]'):
                content = html.unescape(node.get("content") or "").strip()
                if content:
                    return content
    return None


def meta_all(tree, name: str) -> list[str]:
    return [n.get("content").strip() for n in tree.xpath(f'//meta[@property="{name}"]')
            if (n.get("content") or "").strip()]


def json_ld_article(tree) -> dict:
    """The first JSON-LD object whose @type is a kind of article."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for obj in _objects(data):
            kind = obj.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.endswith("Article") for k in kinds):
                return obj
    return {}


def _objects(data):
    if isinstance(data, list):
        for item in data:
            yield from _objects(item)
    elif isinstance(data, dict):
        yield data
        yield from _objects(data.get("@graph", []))


def ld_author(obj: dict) -> str | None:
    author = obj.get("author")
    if isinstance(author, list):
        author = author[0] if author else None
    if isinstance(author, dict):
        author = author.get("name")
    return html.unescape(author).strip() if isinstance(author, str) and author.strip() else None


def canonical_url(tree, page_url: str, same_site) -> str:
    """<link rel=canonical> when it points to the same site, else the page URL."""
    for node in tree.xpath('//link[@rel="canonical"][@href]'):
        href = urldefrag(urljoin(page_url, node.get("href").strip()))[0]
        if href.startswith("http") and same_site(href):
            return href
    return urldefrag(page_url)[0]


def first_time_element(tree) -> tuple[str, str] | None:
    """(machine value, printed text) of the first <time datetime> in the page."""
    for node in tree.xpath("//time[@datetime]"):
        return node.get("datetime"), element_text(node)
    return None
