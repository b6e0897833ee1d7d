"""Rule-free recognition of article URLs by shape (slug + numeric id, -post123.html, .chn,
date paths), and a configured site's own article patterns. Used by discovery (which links
to follow) and by page classification (a page whose URL has no article shape)."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from crawler.sites.registry import Site

# URL shapes of Vietnamese article pages when a site declares none.
# A CMS may end its pages in any short extension (.html, .htm, .chn, .aspx, .ldo, .gd, .vnp,
# .g4v) or none at all; files (images, documents, media) are never articles.
_EXT_NAME = r"\.[a-z][a-z0-9]{1,4}"
_EXT = r"(" + _EXT_NAME + r")?/?$"
_ARTICLE_SHAPES = [re.compile(p) for p in (
    r"-\d{5,}" + _EXT,                       # slug-123456.html / .chn / .ldo, slug-123456
    r"-(post|d|p|a|n)\d{3,}" + _EXT,         # -post123.html, -d538952.html, -post219915.gd
    r"-[a-z0-9]*[a-z]\d{5,}" + _EXT,          # -c46a508182.html: section code + article id
    r"/\d{4}/\d{1,2}/\d{1,2}/[^/]+",        # date paths
    r"/\d{4}/\d{1,2}/[a-z0-9]+([-_][a-z0-9]+){2,}",   # /2012/11/a-slug-of-words (WordPress and others)
    r"[-_/]\d{8,}" + _EXT,                   # ...-20250612.html, /2495349
    r"-\d{8,}([a-z]{1,3}\d{1,6}){1,3}" + _EXT,  # -20180317084043616p145c151.news: id + codes
    r"/[a-z0-9]+(-[a-z0-9]+){3,}/\d{5,}" + _EXT,  # /long-slug/1503344/, /long-slug/151141.htm
    r"/\d{5,}/-?[a-z0-9]+(-[a-z0-9]+){2,}-?" + _EXT,  # /Tin-tuc/Xa-hoi/896032/slug, /95/64112/slug/
    r"/\d{5,}-[a-z0-9]+(-[a-z0-9]+){2,}" + _EXT,  # /item/35815802-slug.html, Joomla's /12345-alias
    r"/[a-z0-9]+([-_][a-z0-9]+){3,}\.html?$",  # long slug .html (the weakest shape)
)]
_ID_FIRST = _ARTICLE_SHAPES[-2]              # the id opening the slug
_FILE = re.compile(r"\.(jpe?g|png|gif|webp|svg|bmp|pdf|docx?|xlsx?|pptx?|zip|rar|mp[34]|m4a|"
                   r"avi|mov|webm|xml|rss|json|js|css)$", re.I)
# A whole path segment naming a non-article page; "tag-..." slugs too, but not "video-..."
# (a headline "Video: ..." over an article; a video page the quality gate drops for its
# missing text). Photo sections ("/anh/", "/photo/", "/gallery/") are not in it: a photo
# story is an article (its captions are its body, `layout` photo_story), and "/anh/" is also
# England on a football paper; their hub pages have no article shape anyway.
NOT_ARTICLE = re.compile(
    r"/(tag|tags|tu-khoa|chu-de|tac-gia|author|print|in-bai|search|tim-kiem|rss|"
    r"login|dang-nhap|lien-he|contact)(/|\.|-|$)"
    r"|/(video|videos|clip|emagazine|podcasts?|multimedia)(/|\.|$)",
    re.I)


def looks_like_article(url: str) -> bool:
    """Rule-free recognition of article URLs by shape."""
    parts = urlsplit(url)
    if NOT_ARTICLE.search(parts.path) or _FILE.search(parts.path):
        return False
    return any(p.search(parts.path) for p in _ARTICLE_SHAPES) or query_id(parts.query)


# Older CMSs (ASP.NET, PHP) name the article in the query: "News.aspx?NewsID=123456",
# "?p=8231", "index.php?option=com_content&id=4512". A named item id, or a bare id of 4+
# digits (a section's id is short: "?CatID=5").
_NAMED_ID = re.compile(r"^(news|article|post|item|story|content|tin|bai|baiviet|tintuc|detail)"
                       r"_?id$", re.I)
_BARE_ID = re.compile(r"^(id|p|nid|aid)$", re.I)


def query_id(query: str) -> bool:
    """The query string names one article by its id."""
    for key, value in parse_qsl(query):
        if value.isdigit() and (_NAMED_ID.match(key) and len(value) >= 3
                                or _BARE_ID.match(key) and len(value) >= 4):
            return True
    return False


def is_file(url: str) -> bool:
    """The URL names a file (a PDF, an image, a feed), not a page."""
    return bool(_FILE.search(urlsplit(url).path))


def never_article(url: str, site: Site) -> bool:
    """Denied by the site, a tag/author/search/video page, or a file."""
    path = urlsplit(url).path
    return site.is_denied(url) or bool(NOT_ARTICLE.search(path) or _FILE.search(path))


def is_article_url(url: str, site: Site) -> bool:
    if never_article(url, site):
        return False
    return site.is_article_url(url) if site.urls.article else looks_like_article(url)


def id_first_only(url: str) -> bool:
    """The URL's only id is a number opening its slug ("/35815802-slug.html"): an id on
    sites whose articles are named so, a number of the title ("/230000-ty-lam-duong")
    where the site's articles carry their id elsewhere (discovery weighs the page's links)."""
    parts = urlsplit(url)
    return bool(_ID_FIRST.search(parts.path)) and not query_id(parts.query) and not any(
        p.search(parts.path) for p in _ARTICLE_SHAPES[:-1] if p is not _ID_FIRST)


def has_id(url: str) -> bool:
    """The URL carries an id or a date (every shape but the id-less slug)."""
    parts = urlsplit(url)
    return any(p.search(parts.path) for p in _ARTICLE_SHAPES[:-1]) or query_id(parts.query)


# -- URL templates learned from one page -----------------------------------------------------
# A CMS names all its articles alike. Where no shape above knows a site's article URLs, the
# links a page names with headlines show it: many of them share one template with an id in it.
_ID_RUN = re.compile(r"\d{4,}")
_YEAR = re.compile(r"(19[89]|20[0-4])\d")      # "2016-2017" names a season, not an item
_WORD_RUN = re.compile(r"[a-z]+")
LEARN_MIN_URLS = 6           # distinct headline links sharing a template to trust it


def url_template(url: str) -> str:
    """The URL's path as a template: folders holding letters are one 'S' however many
    ("/xe/", "/the-gioi/chau-a/", "/olympic-2021/"), numbers '#' when an id (four digits or
    more, years 'Y'), else '9'; the last segment is its slug ('W', words and numbers alike),
    its trailing id with any letter codes, and its extension: "/thoi-su/mot-hai-2024/123456.htm"
    and "/xe/gia-xe/bon-nam/654321.htm" are both "S/#.htm", "/a-b-c-n2021080220.htm" "W-w#.htm"."""
    path = urlsplit(url).path.lower().strip("/")
    *folders, last = path.split("/") if path else [""]
    shape = "".join("S/" if re.search("[a-z]", folder) else _numbers(folder) + "/"
                    for folder in folders)
    shape = re.sub(r"(S/)+", "S/", shape)
    ext = re.search(_EXT_NAME + "$", last)
    stem = last[:ext.start()] if ext else last
    tail = _TAIL_ID.search(stem)
    if tail and _YEAR.fullmatch(tail.group("id")):
        tail = None                                 # "...-nam-2018": a year ends the title
    slug = stem[:tail.start()] if tail else stem
    head = _HEAD_ID.match(slug)                     # "/35815802-slug.html"
    slug = slug[head.end():] if head else slug
    slug = "W" if re.search("[a-z]", slug) and re.search("[-_]", slug) else \
        _WORD_RUN.sub("w", _numbers(slug))
    if head:
        slug = _numbers(head.group()) + slug
    if tail:
        slug += _WORD_RUN.sub("w", _numbers(tail.group()))
    return shape + slug + (ext.group() if ext else "")


_HEAD_ID = re.compile(r"\d{5,}[-_](?=[a-z])")
# the id ending the last segment, with the letter codes CMSs put around it: "-c46a508182",
# "-n20210802204900628", "-20180317084043616p145c151", "-39853-13" (id, then section number)
_TAIL_ID = re.compile(r"[-_]?[a-z]{0,3}(?P<id>\d{4,})(?:[a-z]{1,3}\d{1,6}){0,3}(?:[-_]\d{1,3})?$")


def _numbers(text: str) -> str:
    """Years 'Y', ids '#' (five digits or more) or '#4' (four: an event's or a season's number
    beside six-digit article ids is another kind of page), other numbers '9'."""
    text = _ID_RUN.sub(lambda m: "Y" if _YEAR.fullmatch(m.group())
                       else "#" if len(m.group()) > 4 else "#4", text)
    return re.sub(r"(?<!#)\d+", "9", text)


def template_groups(urls) -> dict[str, set[str]]:
    """The distinct URLs under each of their templates."""
    groups: dict[str, set[str]] = {}
    for url in urls:
        groups.setdefault(url_template(url), set()).add(url)
    return groups


def learned_templates(urls, min_urls: int = LEARN_MIN_URLS) -> set[str]:
    """Templates that at least `min_urls` distinct URLs share (the URLs: a page's headline
    links that no known shape recognised) holding an id of five digits or more, or a slug
    and a shorter id ("/livescore/.../ltd1156.html", no slug, short id: a results page)."""
    return {template for template, members in template_groups(urls).items()
            if learnable(template, len(members), min_urls)}


def learnable(template: str, urls: int, min_urls: int = LEARN_MIN_URLS) -> bool:
    """Enough distinct URLs share the template, and it holds an id of five digits or more,
    or a slug and a shorter id."""
    return urls >= min_urls and ("W" in template and "#" in template
                                 or bool(re.search(r"#(?!4)", template)))
