"""What makes a re-run cheap: known article URLs are never requested again, feeds and listing
pages are re-read with conditional GET, and a page's validators are stored only once every
article it linked is settled (saved, dropped for good, or gone), so a 304 never hides an
article that a crash, an error or --max-articles left unfetched."""
from __future__ import annotations

from collections import defaultdict

from crawler.harvest.state import state_for
from crawler.harvest.store import OUTPUT_ERRORS, output_failed

# Drops that will happen again on a re-fetch: remember the URL. OverLimit and OutsideWindow
# depend on this run's options, so those pages stay fetchable.
PERMANENT_DROPS = {"NotAnArticle", "Undecodable", "TooShort", "NotVietnamese",
                   "DuplicateURL", "DuplicateContent", "ParseTimeout", "ParseError"}
# Requests dropped for what the URL is or answers (crawler/spiders/guards.py): asking again
# gives the same answer. Budget, timeouts, Retry-After and a stopping run leave it for later.
PERMANENT_REQUEST_DROPS = {"too_large", "offsite", "offsite_redirect", "max_redirects",
                           "redirect_loop", "trap"}
GONE_STATUSES = {404, 410}


class Incremental:
    def __init__(self, crawler):
        self.crawler = crawler
        self.state = state_for(crawler)
        self.known = self.state.seen_urls()
        self.old_validators = self.state.validators()
        self.new_validators: dict[str, tuple[str | None, str | None]] = {}
        self.linked: dict[str, set[str]] = defaultdict(set)    # page -> article URLs it linked
        self.incomplete: set[str] = set()

    def is_known(self, url: str) -> bool:
        return url in self.known

    def conditional_headers(self, url: str) -> dict[str, str]:
        etag, modified = self.old_validators.get(url, (None, None))
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return headers

    def remember_validators(self, url: str, response) -> None:
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        if etag or modified:
            self.new_validators[url] = (etag and etag.decode("latin-1"),
                                        modified and modified.decode("latin-1"))

    def link(self, page: str, article: str) -> None:
        self.linked[page].add(article)

    def leave_unfinished(self, page: str | None) -> None:
        if page:
            self.incomplete.add(page)

    def settle(self, urls, site: str, status: str, run_id: str) -> None:
        """Pages that will never give a row: remember them so they are not fetched again."""
        try:
            self.state.mark_seen(urls, site, status, run_id)
        except OUTPUT_ERRORS as exc:
            output_failed(self.crawler, exc)

    def finish(self) -> int:
        """Store the validators of pages whose articles are all settled; returns how many."""
        settled = self.state.seen_urls()
        done = {page: v for page, v in self.new_validators.items()
                if page not in self.incomplete and self.linked[page] <= settled}
        try:
            self.state.save_validators(done)
        except OUTPUT_ERRORS as exc:
            output_failed(self.crawler, exc)
            return 0
        return len(done)
