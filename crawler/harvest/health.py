"""Judge a finished run from its stats and the sites' own history: exit code, one-line reason,
a status per site, and warnings (possible drift). Scrapy's exit status says nothing about
this."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from crawler.harvest.store import FILLED_FIELDS
from crawler.harvest.stats_keys import stats_under

EXIT_OK, EXIT_FAILED, EXIT_PARTIAL = 0, 1, 3
CLEAN_FINISH = {"finished", "max_articles", "closespider_itemcount", "closespider_timeout"}
PERMANENT_HTTP = {"HTTP 404", "HTTP 410"}   # dead links are not a failing site
FAILING_DROPS = {"timeout"}                 # dropped requests that are the site failing
# Scrapy logs these failures of a site as errors; they are counted per site instead.
EXPECTED_ERRORS = ("retry/max_reached", "robotstxt/exception_count/")
COLLAPSE_MIN_PAGES = 4        # judge extraction yield only on this many article pages
FILL_MIN_ARTICLES = 5         # judge field fill rates only on this many new articles
FILL_USUAL, FILL_BROKEN = 0.8, 0.4
ZERO_YIELD_RUNS = 5           # runs in a row without a new article: possibly drifted


def _sum(stats: dict, prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))


@dataclass
class SiteReport:
    site: str
    requests: int
    responses: int                   # pages answered; robots.txt alone says nothing of a site
    article_pages: int
    no_text_pages: int
    new_articles: int
    errors: dict[str, int]
    dropped: dict[str, int]
    fill_rates: dict[str, float] = field(default_factory=dict)
    requests_dropped: dict[str, int] = field(default_factory=dict)
    status: int = EXIT_OK            # EXIT_FAILED: gave nothing; EXIT_PARTIAL: a problem
    status_reason: str = "ok"

    @classmethod
    def from_stats(cls, stats: dict, site: str) -> "SiteReport":
        new = stats.get(f"vnnews/saved/{site}", 0)
        filled = stats_under(stats, f"vnnews/filled/{site}/")
        return cls(site=site, requests=_sum(stats, f"vnnews/requests/{site}/"),
                   responses=_sum(stats, f"vnnews/responses/{site}/")
                   - stats.get(f"vnnews/responses/{site}/robots", 0),
                   article_pages=stats.get(f"vnnews/responses/{site}/article", 0),
                   no_text_pages=stats.get(f"vnnews/dropped/{site}/NotAnArticle", 0),
                   new_articles=new, errors=stats_under(stats, f"vnnews/errors/{site}/"),
                   dropped=stats_under(stats, f"vnnews/dropped/{site}/"),
                   requests_dropped=stats_under(stats, f"vnnews/requests_dropped/{site}/"),
                   fill_rates={f: round(filled.get(f, 0) / new, 3) for f in FILLED_FIELDS} if new else {})

    def assess(self, history: list[tuple], stopped: bool = False,
               seen_before: bool = True) -> None:
        """Set this site's status and its reason; `stopped`: the run ended before its end;
        `seen_before`: the state holds an article page of this site from an earlier run."""
        if stopped and self.responses == 0 and not self.errors and \
                set(self.requests_dropped) <= {"stopped"}:
            self.status_reason = f"{self.site}: not reached before the run stopped"
        elif self.responses == 0:
            self.status, self.status_reason = EXIT_FAILED, f"{self.site}: {self.silence()}"
        elif problem := self.problem(history):
            self.status, self.status_reason = EXIT_PARTIAL, problem
        elif not stopped and not seen_before and self.never_gave_an_article(history):
            pages = f"{self.responses} page{'' if self.responses == 1 else 's'}"
            self.status, self.status_reason = EXIT_PARTIAL, (
                f"{self.site}: no article found ({pages} answered, none linked an article page "
                "the crawler recognises; this site has never given one)")

    def never_gave_an_article(self, history: list[tuple]) -> bool:
        """The site answered but no article page was reached, now or in any recorded run:
        a wrong start URL or a site discovery cannot read, not a quiet day."""
        return self.article_pages == 0 and self.new_articles == 0 and \
            not any(run[1] or run[2] for run in history)

    def silence(self) -> str:
        """Why a site gave no response at all."""
        unavailable = self.requests_dropped.get("robots_unavailable", 0)
        forbidden = self.requests_dropped.get("robots", 0)
        if unavailable:
            return (f"robots.txt unavailable (5xx): everything disallowed until it answers "
                    f"({unavailable} requests not made)")
        if forbidden:
            return f"robots.txt forbids everything ({forbidden} requests not made)"
        return "no answer"

    def problem(self, history: list[tuple]) -> str | None:
        """Why this site makes the run partial, or None."""
        failures = sum(v for k, v in self.errors.items() if k not in PERMANENT_HTTP) + \
            sum(self.requests_dropped.get(k, 0) for k in FAILING_DROPS)
        if failures and failures > self.responses:
            return f"{self.site}: {failures} failed requests, {self.responses} answered"
        if self.article_pages >= COLLAPSE_MIN_PAGES and self.no_text_pages * 2 > self.article_pages:
            return (f"{self.site}: extraction collapsed ({self.no_text_pages} of "
                    f"{self.article_pages} article pages gave no text)")
        return self.fill_drift(history)

    def fill_drift(self, history: list[tuple]) -> str | None:
        """A field that is usually filled and now mostly empty: the selectors broke."""
        if self.new_articles < FILL_MIN_ARTICLES:
            return None
        past = [json.loads(h[4]) for h in history if h[1] >= FILL_MIN_ARTICLES and h[4]]
        if len(past) < 2:
            return None
        for name, rate in self.fill_rates.items():
            usual = sum(p.get(name, 0) for p in past) / len(past)
            if usual >= FILL_USUAL and rate < FILL_BROKEN:
                return f"{self.site}: field {name} filled in {rate:.0%} of new articles (usually {usual:.0%})"
        return None


def judge(stats: dict, reports: list[SiteReport], histories: dict[str, list],
          seen_sites: set[str] | None = None) -> tuple[int, str, list[str]]:
    """(exit code, one-line reason, warnings); sets each report's status. `seen_sites`: sites
    the state holds an article page of (None: every site)."""
    warnings = [f"possibly drifted: {r.site} gave no new article in {ZERO_YIELD_RUNS} runs"
                for r in reports if r.new_articles == 0 and len(histories.get(r.site, [])) >= ZERO_YIELD_RUNS - 1
                and all(h[1] == 0 for h in histories[r.site][:ZERO_YIELD_RUNS - 1])]
    stopped = stats.get("finish_reason") != "finished"
    for report in reports:
        report.assess(histories.get(report.site, []), stopped,
                      seen_sites is None or report.site in seen_sites)
    return (*outcome(stats, reports), warnings)


def outcome(stats: dict, reports: list[SiteReport]) -> tuple[int, str]:
    finish = stats.get("finish_reason", "unknown")
    if stats.get("vnnews/output_error"):
        return EXIT_FAILED, f"output not writable: {stats['vnnews/output_error']}"
    if finish == "shutdown":
        return EXIT_FAILED, "stopped by a signal (SIGTERM or SIGINT); what was fetched is written"
    failed = [r for r in reports if r.status == EXIT_FAILED]
    if reports and len(failed) == len(reports):
        if all(r.silence() == "no answer" for r in failed):
            kinds = sorted({k for r in reports for k in r.errors} |
                           {k for r in reports for k in r.requests_dropped})
            return EXIT_FAILED, f"no site answered ({', '.join(kinds) or 'no request succeeded'})"
        return EXIT_FAILED, "; ".join(r.status_reason for r in failed)
    if finish not in CLEAN_FINISH:
        return EXIT_FAILED, f"crawl stopped early: {finish}"
    problems = [r.status_reason for r in reports if r.status != EXIT_OK]
    if problems:
        return EXIT_PARTIAL, "partial: " + "; ".join(problems)
    unexpected = stats.get("log_count/ERROR", 0) - sum(
        v for k, v in stats.items() if k.startswith(EXPECTED_ERRORS) and isinstance(v, int))
    if unexpected > 0:
        return EXIT_PARTIAL, f"partial: {unexpected} errors logged (see the log file)"
    return EXIT_OK, "ok"
