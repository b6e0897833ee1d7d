"""ProbeSpider: one listing page and the first article it links to, per site, for the drift
report (`sites check --live`, crawler/harvest/drift.py). It writes nothing to a corpus: each
page comes back as an item {"site", "role", "url", "html", "fetched_at", "error"}.

Same settings as a crawl (robots.txt, user agent, politeness, time and size bounds), so
what it sees is what a harvest would see."""
from __future__ import annotations

from datetime import datetime, timezone

import scrapy
from scrapy.exceptions import IgnoreRequest

from crawler.sites.registry import Site, get_site, rebase_url
from crawler.spiders.discovery import listing_links
from crawler.spiders.news import declared_charset, public_url
from crawler.spiders.origins import Confinement, parse_base_urls
from pipelines.encoding import UndecodableError, decode_html


class ProbeSpider(scrapy.Spider):
    name = "probe"

    def __init__(self, site: str = "", base_url: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.sites = {s: get_site(s) for s in site.split(",") if s}
        self.bases = parse_base_urls(base_url, list(self.sites))
        # the crawl's confinement rule (ConfineMiddleware): a probe stays on its sites too
        self.confinement = Confinement(self.sites, self.bases)

    async def start(self):
        for site in self.sites.values():
            if not site.start_urls:
                yield {"site": site.id, "role": "listing", "url": None, "html": None,
                       "fetched_at": None, "error": "the site has no start URL"}
                continue
            yield self._request(site, site.start_urls[0], "listing", self.parse_listing)

    def _request(self, site: Site, url: str, role: str, callback) -> scrapy.Request:
        base = self.bases.get(site.id)
        fetch = rebase_url(url, base) if base and site.names_host(url) else url
        return scrapy.Request(fetch, callback=callback, errback=self.on_error, dont_filter=True,
                              meta={"site": site.id, "role": role, "public_url": url})

    def parse_listing(self, response):
        item = self._page(response)
        yield item
        if item["html"] is None:
            return
        site = self.sites[response.meta["site"]]
        links = listing_links(item["html"], item["url"], site, site.owns)[0]
        if links:
            yield self._request(site, links[0], "article", self.parse_article)

    def parse_article(self, response):
        yield self._page(response)

    def _page(self, response) -> dict:
        """The page as the crawl decodes it, under the URL it has on the site itself."""
        site_id = response.meta["site"]
        item = {"site": site_id, "role": response.meta["role"],
                "url": public_url(self.sites[site_id], self.bases.get(site_id), response.url),
                "html": None, "error": None,
                "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        try:
            item["html"] = decode_html(response.body, declared_charset(response))[0]
        except UndecodableError as exc:
            item["error"] = f"{item['role']}: undecodable: {exc}"
        return item

    def on_error(self, failure):
        meta = failure.request.meta
        if failure.check(IgnoreRequest) and not getattr(failure.value, "response", None):
            reason = "robots.txt forbids it"
        else:
            response = getattr(failure.value, "response", None)
            reason = f"HTTP {response.status}" if response is not None else \
                failure.getErrorMessage() or failure.type.__name__
        yield {"site": meta["site"], "role": meta["role"], "url": meta["public_url"],
               "html": None, "fetched_at": None, "error": f"{meta['role']}: {reason}"}
