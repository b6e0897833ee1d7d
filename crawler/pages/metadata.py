"""Page metadata every CMS declares somewhere: meta tags, JSON-LD, <time>, canonical link."""
from __future__ import annotations

import html
import json
import re
from collections import Counter
from urllib.parse import urljoin, urldefrag, urlsplit

from crawler.pages.html_text import element_text, text_key
from crawler.pages.urls import NOT_ARTICLE, looks_like_article

HOME_NAMES = {"trang chủ", "home", "trang nhất"}
HOME_KEYS = {text_key(name) for name in HOME_NAMES}


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
    """Every value of a repeatable meta tag; one tag holding "a,b,c" counts as three."""
    values = [html.unescape(n.get("content") or "")
              for n in tree.xpath(f'//meta[@property="{name}" or @name="{name}"]')]
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def json_ld_objects(tree) -> list[dict]:
    """Every JSON-LD object of the page (lists and @graph flattened); bad JSON is skipped."""
    found = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            found.extend(_objects(json.loads(script.text or "")))
        except ValueError:
            continue
    return found


def json_ld_article(objects: list[dict]) -> dict:
    """The first JSON-LD object whose @type is a kind of article."""
    return next((obj for obj in objects if _is_type(obj, "Article")), {})


def ld_breadcrumb(objects: list[dict], page_url: str) -> str | None:
    """The deepest section of a BreadcrumbList, without the home page and the page itself."""
    trail = next((obj for obj in objects if _is_type(obj, "BreadcrumbList")), {})
    names = []
    for entry in _objects(trail.get("itemListElement", [])):   # some CMSs nest lists
        item = entry.get("item")
        url = item.get("@id") if isinstance(item, dict) else item
        name = entry.get("name") or (item.get("name") if isinstance(item, dict) else None)
        if isinstance(name, str) and name.strip() and url != page_url:
            names.append(html.unescape(name).strip())
    names = [n for n in names if n.casefold() not in HOME_NAMES]
    return names[-1] if names else None


def _is_type(obj: dict, suffix: str) -> bool:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.endswith(suffix) for k in kinds)


def _objects(data):
    if isinstance(data, list):
        for item in data:
            yield from _objects(item)
    elif isinstance(data, dict):
        yield data
        yield from _objects(data.get("@graph", []))


def ld_author(obj: dict) -> str | None:
    """Person names of a JSON-LD author (several joined with " - ", as bylines print them)."""
    authors = obj.get("author")
    names = []
    for author in authors if isinstance(authors, list) else [authors]:
        if isinstance(author, dict) and author.get("@type") == "Organization":
            continue                     # the publisher, not a byline
        name = author.get("name") if isinstance(author, dict) else author
        if isinstance(name, str) and html.unescape(name).strip():
            names.append(html.unescape(name).strip())
    return " - ".join(names) or None


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


# Where pages print dates, most specific first: publish-date markers, <time>, date/time classes.
_DATE_TIERS = ('//*[@data-role="publishdate" or @itemprop="datePublished"] | '
               '//*[contains(@class, "publish")]',
               "//time",
               '//*[contains(@class, "date") or contains(@class, "time")][not(self::body)]')
# Where pages print bylines: author markers first, then author classes.
_AUTHOR_TIERS = ('//*[@data-role="author" or @itemprop="author" or @rel="author"]',
                 '//*[contains(@class, "author")]')


def tiered_texts(tree, tiers: tuple[str, ...], max_chars: int = 80) -> list[str]:
    """Distinct short texts of the elements the XPath tiers find, tier by tier, page order."""
    nodes = (node for xpath in tiers for node in tree.xpath(xpath)    # not "timeline" lists:
             if len(node.text_content().split()) <= max_chars // 2)  # words < chars / 2
    texts = (element_text(node) for node in nodes)
    return list(dict.fromkeys(t for t in texts if t and len(t) <= max_chars))


def printed_date_texts(tree) -> list[str]:
    return tiered_texts(tree, _DATE_TIERS)


def printed_author_texts(tree) -> list[str]:
    return tiered_texts(tree, _AUTHOR_TIERS)


_BREADCRUMB = ('//*[contains(@itemtype, "BreadcrumbList")] | '
               '//*[contains(translate(@aria-label, "BREADCUMB", "breadcumb"), "breadcrumb")] | '
               '//*[contains(translate(@class, "BREADCUMB", "breadcumb"), "breadcrumb")] | '
               '//*[contains(translate(@id, "BREADCUMB", "breadcumb"), "breadcrumb")]')
SECTION_MAX_WORDS = 6


def printed_breadcrumb(tree, title: str | None = None) -> str | None:
    """The deepest section a printed breadcrumb trail names (schema.org microdata, an
    aria-label or a class or id calling it a breadcrumb: the generic word, as "caption"):
    its last link, or its last item, that is neither the home page nor the headline."""
    skip = {text_key(title or "")} | {text_key(n) for n in HOME_NAMES}
    for trail in tree.xpath(_BREADCRUMB):
        items = (" ".join(node.text_content().split()) for node in trail.iter("a", "li")
                 if node.tag == "a" or node.find(".//a") is None)    # links, the active item
        named = [t for t in items if t and text_key(t) not in skip
                 and len(t.split()) <= SECTION_MAX_WORDS]
        if named:
            return named[-1]
    return None


_SECTION_SLUG = re.compile(r"[a-z][a-z-]*[a-z]")     # "giai-tri", "xa-hoi": not ids or dates


def section_from_url(tree, page_url: str, same_site) -> str | None:
    """The section an article's URL files it under, named as the page's own links name it:
    /giai-tri/<story>.htm is in the section a link to /giai-tri.htm (or .../xa-hoi.html,
    /xa-hoi/) calls "Giải trí". The name most of those links print wins (menus repeat it)."""
    segments = [s for s in urlsplit(page_url).path.split("/") if s]
    if len(segments) < 2 or not _SECTION_SLUG.fullmatch(segments[0]):
        return None
    names = Counter()
    for link in tree.iter("a"):
        href = link.get("href")
        target = urljoin(page_url, href) if href else None
        if not target or not same_site(target):
            continue
        path = [s for s in urlsplit(target).path.split("/") if s]
        if not path or path[-1].rsplit(".", 1)[0] != segments[0]:
            continue
        name = element_text(link)
        if name and len(name.split()) <= SECTION_MAX_WORDS and text_key(name) not in HOME_KEYS:
            names[name] += 1
    return names.most_common(1)[0][0] if names else None


TRAIL_MAX_LINKS = 5          # a breadcrumb trail: home, sections, at most this many links
TRAIL_GAP_WORDS = 30         # words printed between the trail and the headline (a date, a byline)


def trail_above(headline, page_url: str, same_site) -> str | None:
    """The section a breadcrumb trail nobody named as such gives: the links printed right
    above the headline, back to a link to the home page ("Trang chủ" › "Sức khỏe" › "Bác
    sĩ của bạn"), all short same-site links to sections (not articles, nor tag, author,
    search, contact or video pages). Its last link (the one nearest the headline) is the
    deepest section. A site logo linking home opens a menu, not a trail."""
    links = headline.xpath("preceding::a")[::-1][:TRAIL_MAX_LINKS + 1]
    if not links or _words_between(links[0], headline) > TRAIL_GAP_WORDS:
        return None
    for n, link in enumerate(links):
        target = urljoin(page_url, (link.get("href") or "").strip())
        name = element_text(link)
        if not same_site(target):
            return None
        if _is_home(target, name):
            return element_text(links[0]) if n and link.find(".//img") is None else None
        if (not name or len(name.split()) > SECTION_MAX_WORDS or looks_like_article(target)
                or NOT_ARTICLE.search(urlsplit(target).path)):
            return None
    return None


def _is_home(url: str, name: str) -> bool:
    path = urlsplit(url).path.strip("/")
    return text_key(name) in HOME_KEYS or path in ("", "index.html", "index.php", "home.html")


def _words_between(first, last) -> int:
    """Words of text printed after `first` (outside it) and before `last`."""
    words = 0
    for text in first.xpath("following::text()"):
        owner = text.getparent()
        if text.is_tail:                  # a tail is printed in its element's parent
            owner = owner.getparent()
        if owner is None:
            continue
        if _within(owner, last):
            break
        if not _within(owner, first) and owner.tag not in ("script", "style"):
            words += len(text.split())
            if words > TRAIL_GAP_WORDS:
                break
    return words


def _within(node, element) -> bool:
    return node is element or element in node.iterancestors()
