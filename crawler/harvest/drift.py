"""Drift report: does each site still give what a harvest needs? One listing page and one
article page per site, read by the crawl's own discovery, extraction and cleaning steps.

A site drifts when its CMS changes under us: the listing gives no article links any more,
the article is dropped, or its title or date are no longer found. `sites check --live`
fetches the pages (crawler/spiders/probe.py), `sites check --saved DIR` re-reads pages a
live check saved, so a code change can be checked against last month's pages.

Saved layout, one folder per site: DIR/<site id>/probe.json ({"listing_url", "article_url",
"fetched_at", "error"}), listing.html, article.html (as decoded, UTF-8).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from crawler.pages import NoArticle, extract_article
from crawler.sites.registry import Site, boilerplate_phrases
from crawler.spiders.discovery import listing_links
from pipelines.chain import clean_article
from pipelines.drops import ArticleDrop

PROBE_FILE = "probe.json"


@dataclass
class ProbedPages:
    """What a probe brought back for one site (any part may be missing)."""
    site: str
    listing_url: str | None = None
    listing_html: str | None = None
    article_url: str | None = None
    article_html: str | None = None
    fetched_at: str | None = None
    error: str | None = None          # why a page could not be fetched


@dataclass
class SiteDrift:
    site: str
    listing_url: str | None
    links: int
    article_url: str | None
    kept: bool
    words: int
    title: str | None
    published_at: str | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(site: Site, pages: ProbedPages) -> SiteDrift:
    """Read the probed pages as a crawl would; name each thing a harvest would miss."""
    links = _links(site, pages)
    report = SiteDrift(site.id, pages.listing_url, len(links), pages.article_url, False, 0,
                       None, None)
    if pages.error:
        report.problems.append(pages.error)
    if pages.listing_html is not None and not links:
        report.problems.append("listing gives no article links")
    if pages.article_html is None:
        if not pages.error:
            report.problems.append("no article page to read")
        return report
    _read_article(site, pages, report)
    return report


def _links(site: Site, pages: ProbedPages) -> list[str]:
    if pages.listing_html is None or not pages.listing_url:
        return []
    return listing_links(pages.listing_html, pages.listing_url, site, site.owns)[0]


def _read_article(site: Site, pages: ProbedPages, report: SiteDrift) -> None:
    fetched = datetime.fromisoformat(pages.fetched_at) if pages.fetched_at else None
    try:
        article = extract_article(pages.article_html, pages.article_url, site, fetched_at=fetched)
    except NoArticle as exc:
        report.problems.append(f"article dropped: {exc}")
        return
    report.title = article.title
    report.published_at = article.published_at.isoformat() if article.published_at else None
    try:
        clean_article(article, boilerplate_phrases(site.id))
        report.kept = True
    except ArticleDrop as exc:
        report.problems.append(f"article dropped: {exc}")
    report.words = len((article.text or "").split())
    if not report.title:
        report.problems.append("no title")
    if not report.published_at:
        report.problems.append("no date")


# -- live probes --------------------------------------------------------------------------
def probe_live(site_ids: list[str], base_url: str | None = None,
               overrides: dict | None = None) -> list[ProbedPages]:
    """Fetch one listing and one article per site with the crawl's settings (robots.txt,
    politeness, bounds); nothing is written to a corpus."""
    from scrapy import signals
    from scrapy.crawler import AsyncCrawlerProcess
    from scrapy.settings import Settings

    from crawler.spiders.probe import ProbeSpider
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict({"ITEM_PIPELINES": {}, "EXTENSIONS": {"crawler.harvest.progress.Progress": None},
                      "ARCHIVE_ENABLED": False, "LOG_LEVEL": "WARNING", **(overrides or {})},
                     priority="cmdline")
    pages = {s: ProbedPages(s) for s in site_ids}

    def collect(item, response, spider):
        _add(pages[item["site"]], item)

    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(ProbeSpider)
    crawler.signals.connect(collect, signal=signals.item_scraped)
    process.crawl(crawler, site=",".join(site_ids), base_url=base_url)
    process.start()
    return [pages[s] for s in site_ids]


def _add(pages: ProbedPages, item: dict) -> None:
    if item["error"]:
        pages.error = "; ".join(filter(None, (pages.error, item["error"])))
    if item["role"] == "listing":
        pages.listing_url, pages.listing_html = item["url"], item["html"]
    else:
        pages.article_url, pages.article_html = item["url"], item["html"]
        pages.fetched_at = item["fetched_at"] or pages.fetched_at
    if item["role"] == "listing" and item["fetched_at"]:
        pages.fetched_at = item["fetched_at"]


# -- saved probes -------------------------------------------------------------------------
def save(pages: ProbedPages, folder: Path) -> None:
    """Write one site's probe under folder/<site id>/ (read back by load)."""
    target = folder / pages.site
    target.mkdir(parents=True, exist_ok=True)
    for name, html in (("listing.html", pages.listing_html), ("article.html", pages.article_html)):
        if html is not None:
            (target / name).write_text(html, encoding="utf-8")
    meta = {k: v for k, v in asdict(pages).items() if not k.endswith("_html") and k != "site"}
    (target / PROBE_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")


def load(folder: Path, site_id: str) -> ProbedPages | None:
    """A saved probe, or None when the folder has none for this site."""
    target = folder / site_id
    try:
        meta = json.loads((target / PROBE_FILE).read_text("utf-8"))
    except FileNotFoundError:
        return None
    html = {name: (target / f"{name}.html").read_text("utf-8")
            for name in ("listing", "article") if (target / f"{name}.html").exists()}
    return ProbedPages(site_id, meta.get("listing_url"), html.get("listing"),
                       meta.get("article_url"), html.get("article"), meta.get("fetched_at"),
                       meta.get("error"))


def saved_sites(folder: Path) -> list[str]:
    return sorted(p.parent.name for p in folder.glob(f"*/{PROBE_FILE}"))


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# -- report -------------------------------------------------------------------------------
HEADER = f"{'site':<18} {'links':>5} {'kept':<4} {'words':>6} {'date':<10} title / problems"


def format_row(r: SiteDrift) -> str:
    date = (r.published_at or "-")[:10]
    line = (f"{r.site:<18} {r.links:>5} {'yes' if r.kept else 'no':<4} {r.words:>6} "
            f"{date:<10} {(r.title or '-')[:70]}")
    return line + "".join(f"\n{'':<18} !! {p}" for p in r.problems)


def to_json(reports: list[SiteDrift]) -> str:
    return json.dumps([{**asdict(r), "ok": r.ok} for r in reports], ensure_ascii=False, indent=1)
