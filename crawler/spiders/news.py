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

from crawler.pages import extract_article
from crawler.spiders import discovery
from crawler.sites.registry import RegistryError, Site, generic_site, get_site, rebase_url
from corpus.schema import utc_now
from corpus.writer import run_id_for
from crawler.harvest.stats_keys import REQUEST_DROP_PREFIX
from crawler.spiders.incremental import (GONE_STATUSES, PERMANENT_DROPS, PERMANENT_REQUEST_DROPS,
                                         Incremental)
from crawler.spiders.guards import drop_reason
from crawler.spiders.origins import Confinement, check_start_url, parse_base_urls
from crawler.spiders.parsing import PageDropped, ParsePool
from crawler.spiders.stopping import stop_run
from crawler.spiders.traps import canonical_url, without_query
from pipelines.encoding import UndecodableError, decode_html

logger = logging.getLogger(__name__)
# --backfill walks listings to their end; this bound only stops a pagination chain that never
# ends (a page linking to itself under ever new URLs).
BACKFILL_MAX_PAGES = 10_000
# Scrapy priority of the articles a listing's side boxes link: fetched after every request of
# priority 0, whenever queued (main lists, listing pages, feeds, sitemaps: a --max-articles
# budget goes to those first). A run that ends first (--max-runtime) leaves them to the next
# run, or to another page linking them; they hold up no page's validators.
SIDE_PRIORITY = -1


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
            check_start_url(start_url)
            self.sites["generic"] = generic_site(start_url)
        self.bases = parse_base_urls(base_url, list(self.sites))
        self.confinement = Confinement(self.sites, self.bases)
        self.since = date.fromisoformat(since) if since else None
        self.max_articles = int(max_articles or 0)
        self.saved: dict[str, int] = {}
        self.feeds_probed: set[str] = set()     # sites whose common feed paths were tried

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.item_saved, signal=signals.item_scraped)
        crawler.signals.connect(spider.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        spider.incremental = Incremental(crawler)
        spider.parser = ParsePool(crawler.settings.getint("VNNEWS_PARSE_WORKERS"),
                                  crawler.settings.getfloat("VNNEWS_PARSE_TIMEOUT"))
        spider.backfill = crawler.settings.getbool("VNNEWS_BACKFILL")
        # after a run cut short (crawler/harvest/runner.py) known pages do not end a walk
        spider.resume_walks = crawler.settings.getbool("VNNEWS_RESUME_WALKS")
        spider.listing_depth = (BACKFILL_MAX_PAGES if spider.backfill
                                else crawler.settings.getint("VNNEWS_LISTING_DEPTH"))
        return spider

    # -- URLs: the site's own origin vs the origin we fetch from -----------------------
    def fetch_url(self, site: Site, url: str) -> str:
        base = self.bases.get(site.id)
        return rebase_url(url, base) if base and site.names_host(url) else url

    def on_site(self, site: Site, url: str) -> bool:
        """Would the crawl fetch this URL of the site (rebased onto its base URL) at all?"""
        return self.confinement.allows(site.id, self.fetch_url(site, url))

    def public_url(self, site: Site, url: str) -> str:
        return public_url(site, self.bases.get(site.id), url)

    # -- requests ----------------------------------------------------------------------
    async def start(self):
        for site in self.sites.values():
            for url in site.start_urls:
                yield self.request(site, url, self.parse_listing, kind="listing", page=1)
            for url in site.feeds:
                yield self.request(site, url, self.parse_feed, kind="feed")
            for url in site.sitemaps:
                yield self.request(site, url, self.parse_sitemap, kind="sitemap")
            if not site.feeds and not site.sitemaps:
                yield self.robots_request(site)

    def request(self, site: Site, url: str, callback, kind: str, priority: int = 0, **meta):
        """Feeds, listings and sitemaps are asked for with conditional GET (not in backfill)."""
        url = canonical_url(url)
        self.crawler.stats.inc_value(f"vnnews/requests/{site.id}/{kind}")
        headers = {}
        if kind != "article" and not self.backfill:     # a backfill re-reads every page
            headers = self.incremental.conditional_headers(self.public_url(site, url))
            meta["handle_httpstatus_list"] = [304]
        return scrapy.Request(self.fetch_url(site, url), callback=callback, headers=headers,
                              errback=self.on_error, priority=priority,
                              meta={"site": site.id, "kind": kind, **meta})

    def article_requests(self, site: Site, links, page: str | None, priority: int = 0):
        """Requests for the articles a page links, minus known ones; `page` is the linking
        page's public URL (its validators wait until they are all settled), None for links
        that may not hold them up (a side box's stories: an old one outside --since would
        never settle, and a site-wide box would keep every listing from a 304)."""
        for link in links:
            url = self.article_link(site, link.url if isinstance(link, discovery.Link) else link)
            public = self.public_url(site, url)
            if self.incremental.is_known(public):
                self.crawler.stats.inc_value(f"vnnews/skipped_known/{site.id}")
                continue
            if self.since and getattr(link, "published", None) and link.published.date() < self.since:
                self.crawler.stats.inc_value(f"vnnews/skipped_old/{site.id}")
                continue
            if self.max_articles and self.saved.get(site.id, 0) >= self.max_articles:
                self.incremental.leave_unfinished(page)
                return
            if page:
                self.incremental.link(page, public)
            yield self.request(site, url, self.parse_article, kind="article", source=page,
                               linked=public, priority=priority)

    @staticmethod
    def article_link(site: Site, url: str) -> str:
        """Without tracking and session parameters; without any query when the path alone
        has the article shape (a changing query would make the page new on every visit)."""
        url = canonical_url(url)
        bare = without_query(url)
        return bare if bare != url and discovery.is_article_url(bare, site) else url

    def fresh(self, response, site: Site) -> bool:
        """False for a 304 (nothing new on this page); remembers the validators of a 200."""
        public = self.public_url(site, response.url)
        if response.status == 304:
            self.crawler.stats.inc_value(f"vnnews/not_modified/{site.id}")
            return False
        self.incremental.remember_validators(public, response)
        return True

    # -- callbacks ---------------------------------------------------------------------
    def site_of(self, response) -> Site:
        return self.sites[response.meta["site"]]

    def count_response(self, response) -> None:
        site_id = response.meta["site"]
        self.crawler.stats.inc_value(f"vnnews/responses/{site_id}/{response.meta['kind']}")

    def parse_listing(self, response):
        self.count_response(response)
        site = self.site_of(response)
        html = self.decode(response, site) if self.fresh(response, site) else None
        if html is None:
            return
        links = discovery.listing_page_links(html, response.url, site,
                                             lambda u: self.on_site(site, u))
        public = self.public_url(site, response.url)
        yield from self.discover_feeds(site, html, response.url)
        yield from self.article_requests(site, links.main, public)
        yield from self.article_requests(site, links.side, None, priority=SIDE_PRIORITY)
        if not (self.backfill or self.resume_walks) and links.main and all(
                self.incremental.is_known(self.public_url(site, u)) for u in links.main):
            # A main list of known articles only: older pages hold nothing new. (Side boxes
            # repeat on every page, "most read" changes daily: they decide nothing.)
            return
        page = response.meta.get("page", 1)
        if page < (self.listing_depth or site.urls.max_listing_pages):
            for url in links.listings:
                yield self.request(site, url, self.parse_listing, kind="listing", page=page + 1)

    def parse_feed(self, response):
        self.count_response(response)
        site = self.site_of(response)
        if not self.fresh(response, site):
            return
        if discovery.looks_like_html(response.body):      # /rss: an index of section feeds
            yield from self.feed_index(site, response)
            return
        try:
            links = [link for link in discovery.feed_links(response.body, response.url)
                     if self.on_site(site, link.url)]
        except discovery.TooLarge as exc:
            self.count_request_drop("too_large", response.request, exc)
            return
        yield from self.article_requests(site, links, self.public_url(site, response.url))

    def parse_sitemap(self, response):
        self.count_response(response)
        site = self.site_of(response)
        if not self.fresh(response, site):
            return
        try:
            pages, children = discovery.sitemap_links(response.body, response.url)
        except discovery.TooLarge as exc:
            self.count_request_drop("too_large", response.request, exc)
            return
        for url in children:
            yield self.request(site, url, self.parse_sitemap, kind="sitemap")
        links = discovery.sitemap_articles(pages, site, lambda url: self.on_site(site, url))
        yield from self.article_requests(site, links, self.public_url(site, response.url))

    # -- rule-free discovery: sitemaps from robots.txt, declared or common feeds ------------
    def robots_request(self, site: Site):
        """robots.txt of a site declaring no feed or sitemap, read for its Sitemap: lines;
        never conditional (a 304 would hide the sitemaps)."""
        home = site.start_urls[0] if site.start_urls else f"https://{site.domains[0]}/"
        (url,) = discovery.origin_urls(home, ["/robots.txt"])
        return self.probe(site, url, self.parse_robots, "robots").replace(headers={})

    def probe(self, site: Site, url: str, callback, kind: str):
        """A request for a URL the site may well not have: a miss is expected, not an error."""
        return self.request(site, url, callback, kind=kind).replace(errback=self.on_probe_miss)

    def parse_robots(self, response):
        self.count_response(response)
        site = self.site_of(response)
        text = getattr(response, "text", "") if response.status == 200 else ""
        declared = discovery.robots_sitemaps(text)
        urls = [u for u in declared if self.on_site(site, u)] or \
            discovery.origin_urls(response.url, discovery.COMMON_SITEMAP_PATHS)
        for url in urls:
            yield self.probe(site, url, self.parse_sitemap, "sitemap")

    def discover_feeds(self, site: Site, html: str, page_url: str):
        """Feeds a listing page declares (<link rel=alternate>); else, once per site, the
        common feed paths. Sites with feeds in their TOML keep to those."""
        if site.feeds:
            return
        feeds = [u for u in discovery.page_feeds(html, page_url) if self.on_site(site, u)]
        for url in feeds:
            yield self.request(site, url, self.parse_feed, kind="feed")
        if not feeds and site.id not in self.feeds_probed:
            self.feeds_probed.add(site.id)
            for url in discovery.origin_urls(page_url, discovery.COMMON_FEED_PATHS):
                yield self.probe(site, url, self.parse_feed, "feed")

    def feed_index(self, site: Site, response):
        html = self.decode(response, site)
        for url in discovery.feed_index_links(html or "", response.url,
                                              lambda u: self.on_site(site, u)):
            yield self.request(site, url, self.parse_feed, kind="feed")

    def on_probe_miss(self, failure):
        request = failure.request
        reason = drop_reason(failure.value)
        if reason:            # not asked at all (robots.txt, budget...): a drop, not a miss
            self.count_request_drop(reason, request, failure.value)
            return
        self.crawler.stats.inc_value(f"vnnews/probe_missed/{request.meta['site']}")
        logger.info("no %s at %s: %s", request.meta["kind"], request.url,
                    failure.value.__class__.__name__)

    async def parse_article(self, response):
        self.count_response(response)
        site = self.site_of(response)
        archived = response.meta.get("warc")      # set by crawler.harvest.archive
        # the archive's WARC-Date: a rebuild resolves relative dates against the same time
        crawled_at = archived.date if archived else utc_now()
        try:
            article = await self.parser.parse(response.body, declared_charset(response),
                                              response.url, None if site.id == "generic" else site,
                                              crawled_at)
        except PageDropped as drop:
            self.count_drop(drop.reason, response, str(drop))
            return
        place_on_site(article, site, self.bases.get(site.id))
        # As linked, before redirects: the key that stops the next run requesting it again.
        article.fetched_url = self.linked_urls(site, response)[0]
        if archived:
            article.warc_file, article.warc_offset = archived.file, archived.offset
        article.crawled_at = crawled_at
        article.run_id = run_id_for(self.crawler)
        yield article

    def decode(self, response, site: Site) -> str | None:
        try:
            return decode_html(response.body, declared_charset(response))[0]
        except UndecodableError as exc:
            self.count_drop("Undecodable", response, f"undecodable: {exc}")
            return None

    def count_drop(self, reason: str, response, message: str) -> None:
        """Pages dropped before they become items are counted like pipeline drops."""
        site = self.site_of(response)
        self.crawler.stats.inc_value("item_dropped_count")
        self.crawler.stats.inc_value(f"item_dropped_reasons_count/{reason}")
        self.crawler.stats.inc_value(f"vnnews/dropped/{site.id}/{reason}")
        if response.meta["kind"] == "article":
            self.incremental.settle(self.linked_urls(site, response), site.id,
                                    f"dropped:{reason}", run_id_for(self.crawler))
        logger.info("dropped %s: %s", response.url, message)

    def linked_urls(self, site: Site, response) -> list[str]:
        """Public URLs of a response: as linked (before redirects) and as served."""
        urls = response.meta.get("redirect_urls", []) + [response.url]
        return [self.public_url(site, u) for u in urls]

    def item_dropped(self, item, response, exception, spider):
        reason = type(exception).__name__
        self.crawler.stats.inc_value(f"vnnews/dropped/{item.site}/{reason}")
        if reason in PERMANENT_DROPS:
            # A DuplicateURL page's canonical URL is another page's: that page's row may still
            # sit in an uncommitted batch, and marking its URL would lose it to a crash.
            urls = [item.fetched_url] if reason == "DuplicateURL" else [item.url, item.fetched_url]
            self.incremental.settle(urls, item.site, f"dropped:{reason}", run_id_for(self.crawler))

    def on_error(self, failure):
        request = failure.request
        reason = drop_reason(failure.value)
        if reason:
            self.count_request_drop(reason, request, failure.value)
            return
        kind = failure.value.__class__.__name__
        response = getattr(failure.value, "response", None)
        if response is not None:
            kind = f"HTTP {response.status}"
        site = self.sites[request.meta["site"]]
        if response is not None and response.status in GONE_STATUSES:
            self.incremental.settle([self.public_url(site, request.url)], site.id,
                                    f"gone:{response.status}", run_id_for(self.crawler))
        else:
            self.incremental.leave_unfinished(request.meta.get("source"))
        self.crawler.stats.inc_value(f"vnnews/errors/{request.meta['site']}/{kind}")
        logger.warning("failed %s (%s): %s", request.url, request.meta["kind"], kind)

    def count_request_drop(self, reason: str, request, exception) -> None:
        """A request dropped by a bound or a policy: counted by its typed reason; an article
        that would be dropped again is remembered, any other left for the next run."""
        site = self.sites[request.meta["site"]]
        self.crawler.stats.inc_value(f"{REQUEST_DROP_PREFIX}{reason}")
        self.crawler.stats.inc_value(f"vnnews/requests_dropped/{site.id}/{reason}")
        if reason in PERMANENT_REQUEST_DROPS and request.meta["kind"] == "article":
            urls = request.meta.get("redirect_urls", []) + [request.url]
            self.incremental.settle([self.public_url(site, u) for u in urls], site.id,
                                    f"dropped:{reason}", run_id_for(self.crawler))
        elif reason != "robots":   # robots.txt may change, but a listing is no reason to wait
            self.incremental.leave_unfinished(request.meta.get("source"))
        logger.info("dropped %s (%s): %s", request.url, reason, exception)

    def request_dropped(self, request, spider):
        """The scheduler drops a request it has seen: a redirect back to itself is a loop."""
        if request.url in request.meta.get("redirect_urls", ()) and "site" in request.meta:
            self.count_request_drop("redirect_loop", request, "redirected back to itself")

    def closed(self, reason):
        self.parser.close()
        stored = self.incremental.finish()
        logger.info("stored validators of %d feed/listing pages", stored)

    def item_saved(self, item, response, spider):
        self.saved[item.site] = self.saved.get(item.site, 0) + 1
        if self.max_articles and all(self.saved.get(s, 0) >= self.max_articles for s in self.sites):
            stop_run(self.crawler, "max_articles")


def declared_charset(response) -> str | None:
    return charset_of(response.headers.get("Content-Type", b"").decode("latin-1"))


def charset_of(content_type: str) -> str | None:
    """The charset a Content-Type header declares, if any."""
    return content_type.split("charset=")[-1].strip() if "charset=" in content_type else None


def public_url(site: Site, base: str | None, url: str) -> str:
    """The URL on the site's own domain, for a page fetched from a base_url."""
    if not base or urlsplit(url).netloc != urlsplit(base).netloc:
        return url
    origin = urlsplit(site.start_urls[0] if site.start_urls else f"https://{site.domains[0]}")
    parts = urlsplit(url)
    path = parts.path.removeprefix(urlsplit(base).path.rstrip("/")) or "/"
    return urlunsplit((origin.scheme, origin.netloc, path, parts.query, ""))


def place_on_site(article, site: Site, base: str | None) -> None:
    """The site's own URL and registry fields on an extracted Article."""
    article.url = public_url(site, base, article.url)
    article.site, article.province = site.id, site.province
    article.province_before_2025 = site.province_before_2025


def article_from_html(html: str, site: Site, fetched_from: str, base: str | None, fetched_at=None):
    """The Article of a decoded page (NoArticle if it holds none), with the site's own URLs:
    what a rebuild from the archive (crawler/harvest/rebuild.py) does, as the crawl does.
    `fetched_at` (aware datetime) resolves relative dates ("2 giờ trước")."""
    article = extract_article(html, fetched_from, None if site.id == "generic" else site,
                              fetched_at=fetched_at)
    place_on_site(article, site, base)
    return article

