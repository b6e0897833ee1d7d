"""Site registry: one TOML file per site in crawler/sites/, loaded into frozen dataclasses.

A bad file raises RegistryError with "path: key: problem" so the CLI can print one line.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from crawler.sites.domains import covers

SITES_DIR = Path(__file__).parent
STATUSES = {"active", "merged", "archive-only", "demo", "generic"}
SELECTOR_KEYS = ("title", "lead", "body", "captions", "author", "date", "category", "tags",
                 "drop", "article_links", "next_page")


class RegistryError(ValueError):
    """A site file is invalid, or a site id is unknown."""


@dataclass(frozen=True)
class UrlRules:
    article: tuple[re.Pattern, ...] = ()
    listing: tuple[re.Pattern, ...] = ()
    deny: tuple[re.Pattern, ...] = ()
    max_listing_pages: int = 5


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    domains: tuple[str, ...]
    province: str | None = None
    province_before_2025: str | None = None
    region: str | None = None
    status: str = "active"
    successor: str | None = None
    start_urls: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    verified: str = "generic"
    page_class: str | None = None
    urls: UrlRules = field(default_factory=UrlRules)
    selectors: dict = field(default_factory=dict)   # key -> tuple of CSS selectors
    boilerplate: tuple[str, ...] = ()
    date_formats: tuple[str, ...] = ()
    path: str | None = None

    def owns(self, url: str) -> bool:
        """True when the URL's host is one of the site's domains (www. optional) or a
        subdomain of one (crawler/sites/domains.py): a paper's sections on subdomains are
        its pages."""
        return self.owning_domain(url) is not None

    def owning_domain(self, url: str) -> str | None:
        """The site's domain covering the URL's host, the most specific one first."""
        host = urlsplit(url).hostname or ""
        return next((d for d in sorted(self.domains, key=len, reverse=True)
                     if covers(d, host)), None)

    def names_host(self, url: str) -> bool:
        """The URL's host is one of the site's domains itself (www. optional), not a
        subdomain: what a --base-url mirror stands in for."""
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        return any(host == d.removeprefix("www.") for d in self.domains)

    def url_path(self, url: str) -> str:
        parts = urlsplit(url)
        return parts.path + ("?" + parts.query if parts.query else "")

    def is_article_url(self, url: str) -> bool:
        path = self.url_path(url)
        return any(p.search(path) for p in self.urls.article)

    def is_listing_url(self, url: str) -> bool:
        path = self.url_path(url)
        return any(p.search(path) for p in self.urls.listing)

    def is_denied(self, url: str) -> bool:
        path = self.url_path(url)
        return any(p.search(path) for p in self.urls.deny)

    def to_json(self) -> dict:
        return {
            "id": self.id, "name": self.name, "province": self.province,
            "province_before_2025": self.province_before_2025, "region": self.region,
            "domains": list(self.domains), "status": self.status, "successor": self.successor,
            "verified": self.verified, "start_urls": list(self.start_urls),
            "feeds": list(self.feeds), "sitemaps": list(self.sitemaps),
        }


def generic_site(start_url: str) -> Site:
    """A rule-less site for `crawl --start-url`: stays on the start URL's host and its
    subdomains (crawler/spiders/origins.py)."""
    host = urlsplit(start_url).hostname or ""
    return Site(id="generic", name=host, domains=(host,), status="generic",
                start_urls=(start_url,))


def rebase_url(url: str, base_url: str) -> str:
    """Serve a URL from another origin (mirror, archive, local server), keeping path+query."""
    base = urlsplit(base_url)
    parts = urlsplit(url)
    path = base.path.rstrip("/") + parts.path
    return urlunsplit((base.scheme, base.netloc, path, parts.query, ""))


def _fail(path: Path, key: str, problem: str):
    raise RegistryError(f"{path}: {key}: {problem}")


def _strings(path: Path, key: str, value, *, required=False) -> tuple[str, ...]:
    if value is None or value == []:
        if required:
            _fail(path, key, "missing or empty")
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        _fail(path, key, "expected a string or a list of non-empty strings")
    return tuple(value)


def _patterns(path: Path, key: str, value) -> tuple[re.Pattern, ...]:
    out = []
    for pattern in _strings(path, key, value):
        try:
            out.append(re.compile(pattern))
        except re.error as exc:
            _fail(path, key, f"bad regex {pattern!r}: {exc}")
    return tuple(out)


def _selectors(path: Path, table: dict) -> dict:
    from cssselect import GenericTranslator, SelectorError
    out = {}
    for key, value in table.items():
        if key not in SELECTOR_KEYS:
            _fail(path, f"selectors.{key}", f"unknown key (known: {', '.join(SELECTOR_KEYS)})")
        css = _strings(path, f"selectors.{key}", value)
        for selector in css:
            try:
                GenericTranslator().css_to_xpath(selector)
            except SelectorError as exc:
                _fail(path, f"selectors.{key}", f"bad CSS {selector!r}: {exc}")
        out[key] = css
    return out


def _optional_str(path: Path, data: dict, key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        _fail(path, key, "expected a string")
    return value or None


def parse_site(path: Path, data: dict) -> Site:
    site_id = data.get("id")
    if not isinstance(site_id, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", site_id):
        _fail(path, "id", "missing or not [a-z0-9-]+")
    if path.stem != site_id:
        _fail(path, "id", f"{site_id!r} differs from the file name")
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        _fail(path, "name", "missing")
    status = data.get("status", "active")
    if status not in STATUSES:
        _fail(path, "status", f"{status!r} not one of {sorted(STATUSES)}")
    urls, selectors, text = (data.get(k, {}) for k in ("urls", "selectors", "text"))
    max_pages = urls.get("max_listing_pages", 5)
    if not isinstance(max_pages, int) or max_pages < 1:
        _fail(path, "urls.max_listing_pages", "expected a positive integer")
    return Site(
        id=site_id, name=data["name"].strip(),
        domains=_strings(path, "domains", data.get("domains"), required=True),
        province=_optional_str(path, data, "province"),
        province_before_2025=_optional_str(path, data, "province_before_2025"),
        region=_optional_str(path, data, "region"),
        status=status, successor=_optional_str(path, data, "successor"),
        start_urls=_strings(path, "start_urls", data.get("start_urls")),
        feeds=_strings(path, "feeds", data.get("feeds")),
        sitemaps=_strings(path, "sitemaps", data.get("sitemaps")),
        verified=_optional_str(path, data, "verified") or "generic",
        page_class=_optional_str(path, data, "page_class"),
        urls=UrlRules(article=_patterns(path, "urls.article", urls.get("article")),
                      listing=_patterns(path, "urls.listing", urls.get("listing")),
                      deny=_patterns(path, "urls.deny", urls.get("deny")),
                      max_listing_pages=max_pages),
        selectors=_selectors(path, selectors),
        boilerplate=_strings(path, "text.boilerplate", text.get("boilerplate")),
        date_formats=_strings(path, "text.date_formats", text.get("date_formats")),
        path=str(path),
    )


def load_site_file(path: Path) -> Site:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: {exc}") from None
    return parse_site(path, data)


USER_SITES_ENV = "VNNEWS_SITES"


def user_site_dirs() -> tuple[Path, ...]:
    """Folders of the user's own site files (VNNEWS_SITES, os.pathsep-separated; the CLI's
    --sites DIR sets it, so Scrapy and child processes see the same registry)."""
    import os
    dirs = tuple(Path(d) for d in os.environ.get(USER_SITES_ENV, "").split(os.pathsep) if d)
    for folder in dirs:
        if not folder.is_dir():
            raise RegistryError(f"{USER_SITES_ENV}: {folder} is not a folder of site files")
    return dirs


def load_registry(sites_dir: Path | None = None) -> dict[str, Site]:
    """Every site by id: the bundled files, then the user's folders over them (a user file
    with a bundled site's id replaces it). `sites_dir`: that folder alone."""
    dirs = (Path(sites_dir),) if sites_dir else (SITES_DIR, *user_site_dirs())
    return _load_dirs(dirs)


@lru_cache(maxsize=8)
def _load_dirs(dirs: tuple[Path, ...]) -> dict[str, Site]:
    sites = {}
    for folder in dirs:
        here: dict[str, Path] = {}
        for path in sorted(folder.glob("*.toml")):
            site = load_site_file(path)
            if site.id in here:
                raise RegistryError(f"{path}: id: {site.id!r} is also the id of {here[site.id]}")
            here[site.id] = path
            sites[site.id] = site
    return sites


def get_site(site_id: str, sites_dir: Path | None = None) -> Site:
    sites = load_registry(sites_dir)
    if site_id not in sites:
        raise RegistryError(f"unknown site {site_id!r} (see `python -m crawler sites`)")
    return sites[site_id]


def site_for_url(url: str, sites_dir: Path | None = None) -> Site | None:
    """The registry site owning the URL; where a site's domain is a subdomain of another
    site's, the site of the more specific domain."""
    owning = [(len(d), s) for s in load_registry(sites_dir).values()
              if (d := s.owning_domain(url)) is not None]
    return max(owning, key=lambda pair: pair[0])[1] if owning else None


def boilerplate_phrases(site_id: str) -> tuple[str, ...]:
    """A site's own boilerplate phrases (none for unknown sites): the BOILERPLATE_SITE_PHRASES
    service of our crawls."""
    site = load_registry().get(site_id)
    return site.boilerplate if site else ()
