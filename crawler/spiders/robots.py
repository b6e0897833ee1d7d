"""robots.txt as RFC 9309 asks, in place of Scrapy's RobotsTxtMiddleware:

- only the first VNNEWS_MAXSIZE_ROBOTS bytes are read (the RFC's minimum is 500 KiB; the rest
  is ignored, as Google does), so a 57 MB robots.txt costs 512 KiB;
- a 5xx answer (after Scrapy's retries) means "disallow everything" until it answers again,
  not "allow everything" (RFC 9309 section 2.3.1.4); a missing file (4xx) allows everything;
- a request it forbids is dropped with a typed reason: `robots`, or `robots_unavailable`
  when the file answered 5xx.
"""
from __future__ import annotations

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.utils.httpobj import urlparse_cached

from crawler.spiders.guards import Dropped

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class RobotsForbidden(Dropped):
    reason = "robots"


class RobotsUnavailable(Dropped):
    reason = "robots_unavailable"


class RobotsPolicy(RobotsTxtMiddleware):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.maxsize = crawler.settings.getint("VNNEWS_MAXSIZE_ROBOTS")
        self.unavailable: dict[str, int] = {}       # netloc -> HTTP status of its robots.txt
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    def bytes_received(self, data, request, spider=None):
        if urlparse_cached(request).path != "/robots.txt":
            return
        request.meta["robots_bytes"] = request.meta.get("robots_bytes", 0) + len(data)
        if request.meta["robots_bytes"] > self.maxsize:
            raise StopDownload(fail=False)             # parse what came so far

    async def _parse_robots(self, response, netloc, request):
        if 500 <= response.status < 600:
            self.unavailable[netloc] = response.status
            self._stats.inc_value(f"vnnews/robots_unavailable/{netloc}")
            response = response.replace(body=DISALLOW_ALL)
        await super()._parse_robots(response, netloc, request)

    def process_request_2(self, rp, request):
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            status = self.unavailable.get(urlparse_cached(request).netloc)
            if status:
                raise RobotsUnavailable(f"robots.txt answered HTTP {status}: {request.url} "
                                        f"not fetched until it answers") from None
            raise RobotsForbidden(f"forbidden by robots.txt: {request.url}") from None
