"""Where the article URLs come from: listing pages, RSS/Atom feeds, sitemaps.

Pure functions over page text; the spider decides what to request.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urldefrag, urlsplit

from lxml import etree

from crawler.pages.dates import localize, parse_iso
from crawler.pages.html_text import element_text, parse_html
from crawler.registry import Site

# URL shapes of Vietnamese article pages when a site declares none.
_ARTICLE_SHAPES = [re.compile(p) for p in (
    r"-\d{5,}\.(html?|chn|aspx)$",          # slug-123456.html / .htm / .chn
    r"-(post|d|p|a|n)\d{3,}\.html?$",       # -post123.html, -d538952.html
    r"/\d{4}/\d{1,2}/\d{1,2}/[^/]+",        # date paths
    r"[-_/]\d{8,}(\.html?)?$",              # ...-20250612.html, /2495349
    r"/[a-z0-9]+(-[a-z0-9]+){3,}\.html?$",  # long slug .html
)]
_NOT_ARTICLE = re.compile(r"/(tag|tags|tu-khoa|chu-de|tac-gia|author|video|videos|clip|"
                          r"gallery|photo|anh|emagazine|print|in-bai|search|tim-kiem|rss|"
                          r"login|dang-nhap|lien-he|contact)(/|\.|-|$)", re.I)
_NEXT_WORDS = re.compile(r"^(trang sau|sau|tiếp|xem tiếp|next|»|›|>>?)$", re.I)


@dataclass(frozen=True)
class Link:
    url: str
    published: datetime | None = None


def looks_like_article(url: str) -> bool:
    """Rule-free recognition of article URLs by shape."""
    path = urlsplit(url).path
    if _NOT_ARTICLE.search(path):
        return False
    return any(p.search(path) for p in _ARTICLE_SHAPES)


def is_article_url(url: str, site: Site) -> bool:
    if site.is_denied(url) or _NOT_ARTICLE.search(urlsplit(url).path):
        return False
    return site.is_article_url(url) if site.urls.article else looks_like_article(url)


def _anchors(tree, selectors: tuple[str, ...]):
    if not selectors:
        return tree.xpath("//a[@href]")
    for css in selectors:
        found = [a for node in tree.cssselect(css)
                 for a in ([node] if node.tag == "a" else node.xpath(".//a[@href]"))]
        if found:
            return found
    return []


def _resolve(href: str, page_url: str) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
        return None
    url = urldefrag(urljoin(page_url, href))[0]
    return url if url.startswith("http") else None


def listing_links(html: str, page_url: str, site: Site, on_site) -> tuple[list[str], list[str]]:
    """(article URLs, listing/pagination URLs) of a listing page, in page order.

    `on_site(url)` says whether a URL belongs to the crawl (the spider knows mirrors).
    """
    tree = parse_html(html)
    articles, listings = [], []
    for a in _anchors(tree, site.selectors.get("article_links", ())):
        url = _resolve(a.get("href"), page_url)
        if url and on_site(url) and is_article_url(url, site) and url not in articles:
            articles.append(url)
    for url in next_pages(tree, page_url, site) + section_pages(tree, page_url, site):
        if on_site(url) and url not in listings and url not in articles and url != page_url:
            listings.append(url)
    return articles, listings


def next_pages(tree, page_url: str, site: Site) -> list[str]:
    """Pagination links: the site's `next_page` selectors, else rel=next / "Trang sau"."""
    nodes = []
    for css in site.selectors.get("next_page", ()):
        nodes = tree.cssselect(css)
        if nodes:
            break
    if not nodes:
        nodes = [a for a in tree.xpath("//a[@href]")
                 if a.get("rel") == "next" or _NEXT_WORDS.match(element_text(a))]
        nodes += tree.xpath('//link[@rel="next"][@href]')
    urls = [_resolve(n.get("href"), page_url) for n in nodes]
    return [u for u in dict.fromkeys(urls) if u and not site.is_denied(u)]


def section_pages(tree, page_url: str, site: Site) -> list[str]:
    """Links matching the site's listing patterns (section pages)."""
    if not site.urls.listing:
        return []
    urls = (_resolve(a.get("href"), page_url) for a in tree.xpath("//a[@href]"))
    return [u for u in dict.fromkeys(urls)
            if u and site.is_listing_url(u) and not site.is_denied(u)]


def _xml(body: bytes):
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                             huge_tree=False)
    root = etree.fromstring(body.strip() or b"<empty/>", parser)
    return root


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _feed_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return localize(parsedate_to_datetime(text.strip()))
    except (TypeError, ValueError, IndexError):
        return parse_iso(text)


def feed_links(body: bytes, feed_url: str) -> list[Link]:
    """Article links of an RSS 2.0 or Atom feed, with their dates when given."""
    root = _xml(body)
    if root is None:
        return []
    links = []
    for item in root.iter():
        if _local(item.tag) not in ("item", "entry"):
            continue
        fields = {_local(c.tag): c for c in item}
        href = None
        if "link" in fields:
            node = fields["link"]
            href = node.get("href") or (node.text or "").strip()
        if not href and "guid" in fields:
            href = (fields["guid"].text or "").strip()
        date = next((fields[k].text for k in ("pubDate", "published", "updated", "date")
                     if k in fields), None)
        url = _resolve(href, feed_url)
        if url:
            links.append(Link(url, _feed_date(date)))
    return links


def sitemap_links(body: bytes, sitemap_url: str) -> tuple[list[Link], list[str]]:
    """(page links with lastmod / news publication date, child sitemap URLs)."""
    root = _xml(body)
    if root is None:
        return [], []
    pages, children = [], []
    for node in root:
        kind = _local(node.tag)
        loc, date = None, None
        for field in node.iter():
            name = _local(field.tag)
            if name == "loc" and loc is None:
                loc = _resolve((field.text or "").strip(), sitemap_url)
            elif name in ("publication_date", "lastmod") and field.text and date is None:
                date = parse_iso(field.text.strip())
        if loc and kind == "sitemap":
            children.append(loc)
        elif loc and kind == "url":
            pages.append(Link(loc, date))
    return pages, children


def robots_sitemaps(robots_txt: str) -> list[str]:
    return [line.split(":", 1)[1].strip() for line in robots_txt.splitlines()
            if line.lower().startswith("sitemap:")]
