"""Downloader middlewares that keep an unattended crawl inside its bounds
(docs/unattended.md, "Bounds" and "Confinement"), and the typed reason of every request
they, or Scrapy, drop.

Order (DOWNLOADER_MIDDLEWARES in crawler/settings.py): ConfineMiddleware, FrontierMiddleware,
LimitsMiddleware and OwnerSlotMiddleware see each request first (before robots.txt is asked); RetryAfterMiddleware
sees each response before Scrapy's RetryMiddleware.
"""
from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import TCPTimedOutError, TimeoutError as ConnectTimeout

from crawler.sites.domains import owner_key, registrable_domain
from crawler.spiders.stopping import Stopped, clock_for
from crawler.spiders.traps import QueryVariants, trap_reason


class Dropped(IgnoreRequest):
    """A request dropped on purpose; `reason` names it in stats and the manifest."""
    reason = "dropped"


class Offsite(Dropped):
    reason = "offsite"


class OffsiteRedirect(Dropped):
    reason = "offsite_redirect"


class Trap(Dropped):
    reason = "trap"


class OverBudget(Dropped):
    reason = "budget"


class RetryLater(Dropped):
    reason = "retry_after"


# What Scrapy raises for the bounds it enforces itself, by message (it has no types for them).
SCRAPY_DROPS = (("max redirections", "max_redirects"), ("DOWNLOAD_MAXSIZE", "too_large"))


def drop_reason(exception: BaseException) -> str | None:
    """The typed reason of a request dropped by a bound or a policy; None for a failure of
    the site (connection refused, reset, an HTTP error status)."""
    if isinstance(exception, (Dropped, Stopped)):
        return exception.reason
    if isinstance(exception, (DownloadTimeoutError, ConnectTimeout, TCPTimedOutError)):
        return "timeout"
    if isinstance(exception, DownloadCancelledError):
        # The handler cancels a download for its size only: a timeout raises its own error,
        # and a stopping run raises Stopped.
        return "too_large"
    if isinstance(exception, IgnoreRequest) and getattr(exception, "response", None) is None:
        return next((reason for text, reason in SCRAPY_DROPS if text in str(exception)), None)
    return None


class ConfineMiddleware:
    """Requests, redirects included, only to the hosts and ports of the crawl (the spider's
    `confinement`, crawler/spiders/origins.py); anything else is dropped, never fetched. A
    redirect Scrapy does not follow (file:, ftp:) is dropped the same way."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        confinement = getattr(self.crawler.spider, "confinement", None)
        if confinement is None or confinement.allows(request.meta.get("site"), request.url):
            return None
        if request.meta.get("redirect_urls"):
            raise OffsiteRedirect(f"redirected off the site to {request.url}")
        raise Offsite(f"off the site: {request.url}")

    def process_response(self, request, response, spider=None):
        location = response.headers.get("Location") if 300 <= response.status < 400 else None
        if location is None:
            return response
        target = response.urljoin(location.decode("latin-1"))
        confinement = getattr(self.crawler.spider, "confinement", None)
        if confinement is not None and not confinement.allows(request.meta.get("site"), target):
            raise OffsiteRedirect(f"redirected off the site to {target}")
        return response


class FrontierMiddleware:
    """Crawl traps (crawler/spiders/traps.py) and the per-site request budget.

    VNNEWS_SITE_BUDGET: requests per site and run, retries and redirects included (0: none);
    VNNEWS_TRAP_MAX_DEPTH: links from a start page; VNNEWS_TRAP_MAX_PAGE: highest page number;
    VNNEWS_TRAP_QUERY_VARIANTS: distinct query strings per path."""

    def __init__(self, settings):
        self.budget = settings.getint("VNNEWS_SITE_BUDGET")
        self.max_depth = settings.getint("VNNEWS_TRAP_MAX_DEPTH")
        self.max_page = settings.getint("VNNEWS_TRAP_MAX_PAGE")
        self.variants = QueryVariants(settings.getint("VNNEWS_TRAP_QUERY_VARIANTS"))
        self.spent: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings)

    def process_request(self, request, spider=None):
        site = request.meta.get("site")
        if site is None:                      # robots.txt, asked by Scrapy itself
            return None
        first = not request.meta.get("retry_times") and not request.meta.get("redirect_urls")
        reason = trap_reason(request.url, request.meta.get("depth", 0), self.max_depth,
                             self.max_page)
        if reason is None and first and self.variants.over(request.url):
            reason = "too many query variants of one path"
        if reason:
            raise Trap(f"{reason}: {request.url}")
        self.spent[site] = self.spent.get(site, 0) + 1
        if self.budget and self.spent[site] > self.budget:
            raise OverBudget(f"{site} spent its {self.budget} requests: {request.url}")
        return None


class OwnerSlotMiddleware:
    """One download slot per owner (crawler/sites/domains.py): a paper's hosts (its www.
    twin, its subdomains) share the slot of its registrable domain, so one request at a time
    per domain (CONCURRENT_REQUESTS_PER_DOMAIN), DOWNLOAD_DELAY and AutoThrottle hold for the
    paper, not for each of its hosts. A host without a registrable domain (127.0.0.1) keeps
    Scrapy's own slot, its host name."""

    def process_request(self, request, spider=None):
        if "download_slot" not in request.meta:
            owner = registrable_domain(urlparse_cached(request).hostname or "")
            if owner is not None:
                request.meta["download_slot"] = owner
        return None


class LimitsMiddleware:
    """Download size by kind of page (checked on Content-Length, while receiving, and while
    inflating gzip/deflate/brotli), and download time clipped to the run's deadline.

    DOWNLOAD_MAXSIZE: pages; VNNEWS_MAXSIZE_XML: sitemaps and feeds; robots.txt: see
    crawler/spiders/robots.py."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.clock = clock_for(crawler)
        self.timeout = settings.getfloat("DOWNLOAD_TIMEOUT")
        xml = settings.getint("VNNEWS_MAXSIZE_XML")
        self.maxsize = {"sitemap": xml, "feed": xml}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        if request.meta.get("kind") in self.maxsize:
            request.meta.setdefault("download_maxsize", self.maxsize[request.meta["kind"]])
        left = self.clock.left()
        if left is not None and left <= 0:
            raise Stopped(f"run stopping: {request.url} not fetched")
        timeout = request.meta.get("download_timeout", self.timeout)
        request.meta["download_timeout"] = timeout if left is None else max(0.1, min(timeout, left))
        return None


class RetryAfterMiddleware:
    """429 and 503 with Retry-After: the site's next requests wait that long, then this one
    is retried (counted in RETRY_TIMES). A wait past VNNEWS_RETRY_AFTER_MAX seconds or past
    the run's deadline drops the request as `retry_after`; the next run asks again."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.clock = clock_for(crawler)
        self.longest = crawler.settings.getfloat("VNNEWS_RETRY_AFTER_MAX")
        self.resume_at: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request, spider=None):
        wait = self.resume_at.get(_host(request), 0) - time.monotonic()
        if wait > 0 and not await self.clock.sleep(wait):
            raise Stopped(f"run stopping: {request.url} not fetched")
        return None

    def process_response(self, request, response, spider=None):
        delay = retry_after(response)
        if delay is None:
            return response
        left = self.clock.left()
        if delay > self.longest or (left is not None and delay >= left):
            raise RetryLater(f"{response.status} Retry-After {delay:.0f} s: {request.url}")
        host = _host(request)
        self.resume_at[host] = max(self.resume_at.get(host, 0), time.monotonic() + delay)
        retry = get_retry_request(request, spider=self.crawler.spider,
                                  reason=f"retry_after_{response.status}")
        return retry or response


def _host(request) -> str:
    """Retry-After holds for the owner (crawler/sites/domains.py): a 429 from one of a
    paper's subdomains slows its other hosts too."""
    return owner_key(request.url)


def retry_after(response) -> float | None:
    """Seconds a 429/503 asks us to wait (delta-seconds or HTTP-date), or None."""
    value = response.headers.get("Retry-After") if response.status in (429, 503) else None
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
