"""Judge a finished run from its stats and the sites' own history: exit code, one-line reason,
and warnings (possible drift). Scrapy's exit status says nothing about this."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from crawler.harvest.store import FILLED_FIELDS
from crawler.harvest.stats_keys import stats_under

EXIT_OK, EXIT_FAILED, EXIT_PARTIAL = 0, 1, 2
CLEAN_FINISH = {"finished", "max_articles", "closespider_itemcount", "closespider_timeout"}
PERMANENT_HTTP = {"HTTP 404", "HTTP 410"}   # dead links are not a failing site
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
    responses: int
    article_pages: int
    no_text_pages: int
    new_articles: int
    errors: dict[str, int]
    dropped: dict[str, int]
    fill_rates: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_stats(cls, stats: dict, site: str) -> "SiteReport":
        new = stats.get(f"vnnews/saved/{site}", 0)
        filled = stats_under(stats, f"vnnews/filled/{site}/")
        return cls(site=site, requests=_sum(stats, f"vnnews/requests/{site}/"),
                   responses=_sum(stats, f"vnnews/responses/{site}/"),
                   article_pages=stats.get(f"vnnews/responses/{site}/article", 0),
                   no_text_pages=stats.get(f"vnnews/dropped/{site}/NotAnArticle", 0),
                   new_articles=new, errors=stats_under(stats, f"vnnews/errors/{site}/"),
                   dropped=stats_under(stats, f"vnnews/dropped/{site}/"),
                   fill_rates={f: round(filled.get(f, 0) / new, 3) for f in FILLED_FIELDS} if new else {})

    def problem(self, history: list[tuple]) -> str | None:
        """Why this site makes the run partial, or None."""
        failures = sum(v for k, v in self.errors.items() if k not in PERMANENT_HTTP)
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


def judge(stats: dict, reports: list[SiteReport], histories: dict[str, list]) -> tuple[int, str, list[str]]:
    """(exit code, one-line reason, warnings)."""
    warnings = [f"possibly drifted: {r.site} gave no new article in {ZERO_YIELD_RUNS} runs"
                for r in reports if r.new_articles == 0 and len(histories.get(r.site, [])) >= ZERO_YIELD_RUNS - 1
                and all(h[1] == 0 for h in histories[r.site][:ZERO_YIELD_RUNS - 1])]
    dead = [r.site for r in reports if r.responses == 0]
    finish = stats.get("finish_reason", "unknown")
    if reports and len(dead) == len(reports):
        kinds = sorted({k for r in reports for k in r.errors})
        return EXIT_FAILED, f"no site answered ({', '.join(kinds) or 'no request succeeded'})", warnings
    if finish not in CLEAN_FINISH:
        return EXIT_FAILED, f"crawl stopped early: {finish}", warnings
    problems = [f"{s}: no answer" for s in dead]
    problems += [p for r in reports if r.site not in dead
                 for p in [r.problem(histories.get(r.site, []))] if p]
    if problems:
        return EXIT_PARTIAL, "partial: " + "; ".join(problems), warnings
    if stats.get("log_count/ERROR", 0):
        return EXIT_PARTIAL, f"partial: {stats['log_count/ERROR']} errors logged (see the log file)", warnings
    return EXIT_OK, "ok", warnings
