"""URL clean-up and crawl-trap detection (docs/unattended.md, "Bounds").

`canonical_url` strips what makes one page look like many: the fragment, session ids in the
path (`;jsessionid=...`), and tracking and session query parameters (courlan's tracker list:
utm_*, fbclid, gclid, ...ref, ...source, ...session...; plus the session names below). An
article link also loses its whole query when its path alone has the article shape: the
site names the article by its path, so `?r=<random>` would only make it new on every visit.

`trap_reason` names the shapes of URLs generated without end: links nested too deep, pages
numbered too far, calendar dates outside any news archive, repeated path segments, and
very long URLs. `QueryVariants` caps the distinct query strings one path may take in a run.
"""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from courlan.clean import TRACKERS_RE
from w3lib.url import url_query_cleaner

SESSION_PARAMS = {"jsessionid", "phpsessid", "aspsessionid", "sessionid", "session_id", "sid",
                  "cfid", "cftoken", "s_id"}
PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sid)=[^/?#]*", re.I)
MAX_URL_CHARS = 1000
MAX_SEGMENTS = 12
MAX_SEGMENT_REPEATS = 3
OLDEST_YEAR = 1990                       # no Vietnamese news site archives anything older
DATE_IN_URL = re.compile(r"(?<!\d)((?:18|19|20|21)\d\d)[-/_.]?(0[1-9]|1[0-2])[-/_.]?"
                         r"(0[1-9]|[12]\d|3[01])(?!\d)")
PAGE_NUMBER = re.compile(r"(?:[?&](?:page|p|trang|pg)=|/(?:page|trang)[-/])(\d+)", re.I)


def _noise(name: str) -> bool:
    name = name.lower()
    return name in SESSION_PARAMS or bool(TRACKERS_RE.search(name))


def canonical_url(url: str) -> str:
    """The URL without fragment, path session ids, tracking and session parameters."""
    url = PATH_SESSION.sub("", url)
    names = {k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True) if _noise(k)}
    if not names:
        return url.split("#")[0]
    return url_query_cleaner(url, sorted(names), remove=True, unique=False)


def without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def trap_reason(url: str, depth: int, max_depth: int, max_page: int) -> str | None:
    """Why a URL looks generated without end, or None."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if depth > max_depth:
        return f"link depth {depth} > {max_depth}"
    if len(url) > MAX_URL_CHARS or len(segments) > MAX_SEGMENTS:
        return "URL too long or too deep"
    if any(segments.count(s) >= MAX_SEGMENT_REPEATS for s in set(segments)):
        return "repeated path segments"
    pages = [int(n) for n in PAGE_NUMBER.findall(f"{parts.path}?{parts.query}")]
    if pages and max(pages) > max_page:
        return f"page number {max(pages)} > {max_page}"
    years = [int(m[0]) for m in DATE_IN_URL.findall(f"{parts.path}?{parts.query}")]
    if any(y < OLDEST_YEAR or y > date.today().year + 1 for y in years):
        return "calendar date outside any archive"
    return None


class QueryVariants:
    """Distinct query strings seen per (host, path) in this run."""

    def __init__(self, limit: int):
        self.limit = limit
        self.seen: dict[tuple[str, str], set[str]] = defaultdict(set)

    def over(self, url: str) -> bool:
        parts = urlsplit(url)
        if not parts.query:
            return False
        variants = self.seen[(parts.netloc, parts.path)]
        variants.add(parts.query)
        return len(variants) > self.limit
