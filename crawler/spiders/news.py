"""NewsSpider: one spider for every registered site (and for unknown sites via start_url).

    scrapy crawl news -a site=demo-laocai[,other] [-a base_url=URL] [-a since=YYYY-MM-DD]
    scrapy crawl news -a start_url=https://example.vn/ [-a max_articles=50]

Discovery: start pages (listings, walked with pagination), RSS/Atom feeds, sitemaps (and
sitemap indexes). With base_url, the site's URLs are served from another origin (a mirror,
an archive, a local test server) while the corpus keeps the site's own URLs.
"""
from __future__ import annotations

import logging
from datetime import date
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import deferred_from_coro

from crawler import discovery
from crawler.pages import NoArticle, extract_article
from crawler.registry import RegistryError, Site, generic_site, get_site, rebase_url
from corpus.schema import utc_now
from corpus.writer import run_id_for
from pipelines.dedup import SeenKeys
from pipelines.encoding import UndecodableError, decode_html

logger = logging.getLogger(__name__)


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, site: str | None = None, start_url: str | None = None,
                 base_url: str | None = None, since: str | None = None,
                 max_articles: str | int | None = None, **kwargs):
        super().__init__(**kwargs)
        if not site and not start_url:
            raise RegistryError("give -a site=ID[,ID...] or -a start_url=URL")
        self.sites: dict[str, Site] = {}
        for site_id in (site or "").split(","):
            if site_id.strip():
                self.sites[site_id.strip()] = get_site(site_id.strip())
        if start_url:
            self.sites["generic"] = generic_site(start_url)
        self.bases = parse_base_urls(base_url, list(self.sites))
        self.since = date.fromisoformat(since) if since else None
        self.max_articles = int(max_articles or 0)
        self.saved: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.item_saved, signal=signals.item_scraped)
        return spider

    # -- URLs: the site's own origin vs the origin we fetch from -----------------------
    def fetch_url(self, site: Site, url: str) -> str:
        base = self.bases.get(site.id)
        return rebase_url(url, base) if base and site.owns(url) else url

    def on_site(self, site: Site, url: str) -> bool:
        base = self.bases.get(site.id)
        if base and urlsplit(url).netloc == urlsplit(base).netloc:
            return True
        return site.owns(url)

    def public_url(self, site: Site, url: str) -> str:
        """The URL on the site's own domain, for a page fetched from a base_url."""
        base = self.bases.get(site.id)
        if not base or urlsplit(url).netloc != urlsplit(base).netloc:
            return url
        origin = urlsplit(site.start_urls[0] if site.start_urls else f"https://{site.domains[0]}")
        parts = urlsplit(url)
        path = parts.path.removeprefix(urlsplit(base).path.rstrip("/")) or "/"
        return urlunsplit((origin.scheme, origin.netloc, path, parts.query, ""))

    # -- requests ----------------------------------------------------------------------
    async def start(self):
        for site in self.sites.values():
            for url in site.start_urls:
                yield self.request(site, url, self.parse_listing, kind="listing", page=1)
            for url in site.feeds:
                yield self.request(site, url, self.parse_feed, kind="feed")
            for url in site.sitemaps:
                yield self.request(site, url, self.parse_sitemap, kind="sitemap")

    def request(self, site: Site, url: str, callback, kind: str, **meta):
        self.crawler.stats.inc_value(f"vnnews/requests/{site.id}/{kind}")
        return scrapy.Request(self.fetch_url(site, url), callback=callback,
                              errback=self.on_error, meta={"site": site.id, "kind": kind, **meta})

    def article_requests(self, site: Site, links):
        seen = SeenKeys.for_crawler(self.crawler).urls
        for link in links:
            url = link.url if isinstance(link, discovery.Link) else link
            if self.max_articles and self.saved.get(site.id, 0) >= self.max_articles:
                return
            if self.public_url(site, url) in seen or url in seen:
                self.crawler.stats.inc_value(f"vnnews/skipped_known/{site.id}")
                continue
            if self.since and getattr(link, "published", None) and link.published.date() < self.since:
                self.crawler.stats.inc_value(f"vnnews/skipped_old/{site.id}")
                continue
            yield self.request(site, url, self.parse_article, kind="article")

    # -- callbacks ---------------------------------------------------------------------
    def site_of(self, response) -> Site:
        return self.sites[response.meta["site"]]

    def count_response(self, response) -> None:
        site_id = response.meta["site"]
        self.crawler.stats.inc_value(f"vnnews/responses/{site_id}/{response.meta['kind']}")

    def parse_listing(self, response):
        self.count_response(response)
        site = self.site_of(response)
        html = self.decode(response, site)
        if html is None:
            return
        articles, listings = discovery.listing_links(html, response.url, site,
                                                     lambda u: self.on_site(site, u))
        yield from self.article_requests(site, articles)
        page = response.meta.get("page", 1)
        if page < site.urls.max_listing_pages:
            for url in listings:
                yield self.request(site, url, self.parse_listing, kind="listing", page=page + 1)

    def parse_feed(self, response):
        self.count_response(response)
        site = self.site_of(response)
        links = [link for link in discovery.feed_links(response.body, response.url)
                 if self.on_site(site, link.url)]
        yield from self.article_requests(site, links)

    def parse_sitemap(self, response):
        self.count_response(response)
        site = self.site_of(response)
        pages, children = discovery.sitemap_links(response.body, response.url)
        for url in children:
            yield self.request(site, url, self.parse_sitemap, kind="sitemap")
        links = [p for p in pages if self.on_site(site, p.url) and discovery.is_article_url(p.url, site)]
        yield from self.article_requests(site, links)

    def parse_article(self, response):
        self.count_response(response)
        site = self.site_of(response)
        html = self.decode(response, site)
        if html is None:
            return
        try:
            article = extract_article(html, response.url, None if site.id == "generic" else site)
        except NoArticle as exc:
            self.count_drop("NotAnArticle", response.url, str(exc))
            return
        article.url = self.public_url(site, article.url)
        # As linked, before redirects: the key that stops the next run requesting it again.
        linked = response.meta.get("redirect_urls", [response.url])[0]
        article.fetched_url = self.public_url(site, linked)
        article.site, article.province = site.id, site.province
        article.crawled_at = utc_now()
        article.run_id = run_id_for(self.crawler)
        yield article

    def decode(self, response, site: Site) -> str | None:
        declared = response.headers.get("Content-Type", b"").decode("latin-1")
        charset = declared.split("charset=")[-1].strip() if "charset=" in declared else None
        try:
            return decode_html(response.body, charset)[0]
        except UndecodableError as exc:
            self.count_drop("Undecodable", response.url, f"undecodable: {exc}")
            return None

    def count_drop(self, reason: str, url: str, message: str) -> None:
        """Pages dropped before they become items are counted like pipeline drops."""
        self.crawler.stats.inc_value("item_dropped_count")
        self.crawler.stats.inc_value(f"item_dropped_reasons_count/{reason}")
        logger.info("dropped %s: %s", url, message)

    def on_error(self, failure):
        request = failure.request
        if failure.check(IgnoreRequest) and not getattr(failure.value, "response", None):
            # robots.txt said no: expected, counted, not an error
            self.crawler.stats.inc_value(f"vnnews/skipped_robots/{request.meta['site']}")
            logger.info("skipped %s: %s", request.url, failure.value)
            return
        kind = failure.value.__class__.__name__
        response = getattr(failure.value, "response", None)
        if response is not None:
            kind = f"HTTP {response.status}"
        self.crawler.stats.inc_value(f"vnnews/errors/{request.meta['site']}/{kind}")
        logger.warning("failed %s (%s): %s", request.url, request.meta["kind"], kind)

    def item_saved(self, item, response, spider):
        self.saved[item.site] = self.saved.get(item.site, 0) + 1
        if self.max_articles and all(self.saved.get(s, 0) >= self.max_articles for s in self.sites):
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="max_articles"))


def parse_base_urls(value: str | None, site_ids: list[str]) -> dict[str, str]:
    """"URL" (one site) or "ID=URL,ID=URL" -> {site id: base URL}."""
    if not value:
        return {}
    bases = {}
    for part in value.split(","):
        site_id, sep, url = part.partition("=")
        if not sep:
            if len(site_ids) != 1:
                raise RegistryError("--base-url URL needs exactly one site; use ID=URL")
            site_id, url = site_ids[0], part
        if site_id not in site_ids:
            raise RegistryError(f"--base-url names {site_id!r}, which is not crawled")
        if not url.startswith(("http://", "https://")):
            raise RegistryError(f"--base-url {url!r} is not an http(s) URL")
        bases[site_id] = url.rstrip("/")
    return bases
