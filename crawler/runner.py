"""Run one crawl in this process and judge it from its stats (Scrapy itself exits 0 even
when every request failed)."""
from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings

from corpus.writer import new_run_id

EXIT_OK, EXIT_FAILED, EXIT_PARTIAL = 0, 1, 2
CLEAN_FINISH = {"finished", "max_articles", "closespider_itemcount"}


@dataclass
class CrawlRequest:
    out: Path
    sites: list[str] = field(default_factory=list)
    start_url: str | None = None
    base_url: str | None = None
    since: str | None = None
    max_articles: int = 0
    overrides: dict = field(default_factory=dict)


@dataclass
class CrawlResult:
    run_id: str
    stats: dict
    exit_code: int
    reason: str
    log_file: Path


def build_settings(request: CrawlRequest, run_id: str) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("CORPUS_DIR", str(request.out), priority="cmdline")
    settings.set("VNNEWS_RUN_ID", run_id, priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")   # setup_logging does it
    settings.set("VNNEWS_MAX_ARTICLES", request.max_articles, priority="cmdline")
    if request.since:
        settings.set("VNNEWS_SINCE", request.since, priority="cmdline")
    for name, value in request.overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


def setup_logging(log_file: Path) -> None:
    """Everything to the run's log file; our own INFO lines and all warnings to the console."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    fmt = logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    to_file = logging.FileHandler(log_file, encoding="utf-8")
    to_file.setFormatter(fmt)
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    console.addFilter(lambda r: r.levelno >= logging.WARNING or r.name.startswith("vnnews"))
    root = logging.getLogger()
    root.handlers[:] = [to_file, console]
    root.setLevel(logging.INFO)


def run_crawl(request: CrawlRequest) -> CrawlResult:
    from crawler.spiders.news import NewsSpider
    run_id = new_run_id()
    log_file = request.out / "_logs" / f"{run_id}.log"
    setup_logging(log_file)
    process = AsyncCrawlerProcess(build_settings(request, run_id))
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler, site=",".join(request.sites) or None, start_url=request.start_url,
                  base_url=request.base_url, since=request.since,
                  max_articles=request.max_articles)
    process.start()
    stats = crawler.stats.get_stats()
    code, reason = judge(stats, list(request.sites) + (["generic"] if request.start_url else []))
    return CrawlResult(run_id, stats, code, reason, log_file)


def site_responses(stats: dict, site_id: str) -> int:
    prefix = f"vnnews/responses/{site_id}/"
    return sum(v for k, v in stats.items() if k.startswith(prefix))


def site_errors(stats: dict, site_id: str) -> dict[str, int]:
    prefix = f"vnnews/errors/{site_id}/"
    return {k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix)}


def judge(stats: dict, site_ids: list[str]) -> tuple[int, str]:
    """(exit code, one-line reason) from the crawl's stats."""
    finish = stats.get("finish_reason", "unknown")
    dead = [s for s in site_ids if site_responses(stats, s) == 0]
    if site_ids and len(dead) == len(site_ids):
        kinds = sorted({k for s in site_ids for k in site_errors(stats, s)})
        return EXIT_FAILED, f"no site answered ({', '.join(kinds) or 'no request succeeded'})"
    if finish not in CLEAN_FINISH:
        return EXIT_FAILED, f"crawl stopped early: {finish}"
    if dead:
        return EXIT_PARTIAL, f"some sites failed: {', '.join(dead)}"
    if stats.get("log_count/ERROR", 0):
        return EXIT_PARTIAL, f"{stats['log_count/ERROR']} errors logged (see the log file)"
    return EXIT_OK, "ok"
