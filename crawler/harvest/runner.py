"""Run one crawl in this process: lock the output, reconcile its state, crawl, judge the run
from its stats and the sites' history, write the manifest."""
from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings

from crawler.harvest.state import HarvestState, remove_stale_temp_files
from corpus.writer import new_run_id
from crawler.harvest.health import SiteReport, judge
from crawler.harvest.manifest import finished_manifest, versions, write_manifest
from crawler.harvest.runlock import RunLock

logger = logging.getLogger("vnnews.run")


@dataclass
class CrawlRequest:
    out: Path
    sites: list[str] = field(default_factory=list)
    start_url: str | None = None
    base_url: str | None = None
    since: str | None = None
    max_articles: int = 0
    max_runtime: int = 0          # seconds; 0 = no limit
    listing_depth: int = 0        # listing pages per start page; 0 = each site's own setting
    backfill: bool = False        # walk listings to their end
    overrides: dict = field(default_factory=dict)
    command: str = "crawl"
    redis: str | None = None      # redis://HOST:PORT/DB: one worker of a shared crawl

    def site_ids(self) -> list[str]:
        return list(self.sites) + (["generic"] if self.start_url else [])


@dataclass
class CrawlResult:
    run_id: str
    stats: dict
    exit_code: int
    reason: str
    log_file: Path
    warnings: list[str] = field(default_factory=list)
    neardup: dict = field(default_factory=dict)
    boilerplate: dict = field(default_factory=dict)
    compacted: int = 0                   # partitions merged by the end-of-run compaction


def build_settings(request: CrawlRequest, run_id: str) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    values = {"CORPUS_DIR": str(request.out), "VNNEWS_RUN_ID": run_id,
              "VNNEWS_MAX_ARTICLES": request.max_articles,
              "LOG_INSTALL_ROOT_HANDLER": False,        # setup_logging does it
              "CLOSESPIDER_TIMEOUT": request.max_runtime}
    if request.since:
        values["VNNEWS_SINCE"] = request.since
    if request.redis:
        values["REDIS_URL"] = request.redis
    if request.listing_depth:
        values["VNNEWS_LISTING_DEPTH"] = request.listing_depth
    if request.backfill:
        values["VNNEWS_BACKFILL"] = True
    for name, value in {**values, **request.overrides}.items():
        settings.set(name, value, priority="cmdline")
    return settings


def setup_logging(log_file: Path) -> None:
    """Everything to the run's log file; our own INFO lines and all warnings to the console."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    to_file = logging.FileHandler(log_file, encoding="utf-8")
    to_file.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    console.addFilter(lambda r: r.levelno >= logging.WARNING or r.name.startswith("vnnews"))
    root = logging.getLogger()
    root.handlers[:] = [to_file, console]
    root.setLevel(logging.INFO)


def run_crawl(request: CrawlRequest) -> CrawlResult:
    """Raises crawler.harvest.runlock.Locked when another live run holds the output directory."""
    run_id = new_run_id()
    with RunLock(request.out).acquire(run_id):
        log_file = request.out / "_logs" / f"{run_id}.log"
        setup_logging(log_file)
        started = start_manifest(request, run_id, log_file)
        settings = build_settings(request, run_id)
        shared = join_shared_crawl(settings) if request.redis else None
        state = prepare_state(request.out, shared)
        try:
            stats = crawl(request, settings, state, shared)
            result, reports = assess(request, run_id, stats, state, log_file)
        finally:
            state.close()
            if shared:
                shared.leave()
        post_process(request.out, result, settings.getint("TOKENIZE_WORKERS"),
                     settings.getint("CORPUS_COMPACT_MIN_FILES"))
        write_manifest(request.out, run_id, finished_manifest(started, result, reports, result.warnings))
        return result


def post_process(out: Path, result: CrawlResult, workers: int, compact_min_files: int = 0) -> None:
    """Whole-corpus passes, under the run lock, so their result depends only on the set of
    pages: site-level boilerplate lines (crawler/harvest/site_boilerplate.py), then near-duplicate
    marks (corpus/neardup.py). A failure leaves the corpus valid (atomic rewrites; the next
    run redoes the pass) and makes the run partial."""
    from corpus import neardup
    from crawler.harvest import site_boilerplate
    from crawler.harvest.health import EXIT_OK, EXIT_PARTIAL
    if not any(out.rglob("*.parquet")):
        return
    try:
        result.boilerplate = site_boilerplate.update(out, workers)
        result.neardup = neardup.update(out)
        result.compacted = compact_partitions(out, compact_min_files)
    except Exception as exc:    # noqa: BLE001 - reported, and the next run retries it
        logger.exception("corpus post-processing failed")
        if result.exit_code == EXIT_OK:
            result.exit_code, result.reason = EXIT_PARTIAL, f"partial: post-processing failed: {exc}"


def compact_partitions(out: Path, min_files: int) -> int:
    """Merge partitions that reached `min_files` files (0: never), keeping the state's file
    list in step; the run lock is held, so no reader of ours writes meanwhile."""
    from corpus.compact import compact
    from crawler.harvest import site_boilerplate
    if min_files < 1:
        return 0
    done = compact(out, min_files)
    state = HarvestState(out)
    try:
        for part in done:
            state.replace_files(part.old, part.new, part.rows)
            site_boilerplate.files_replaced(out, part.old, part.new)
    finally:
        state.close()
    return len(done)


def start_manifest(request: CrawlRequest, run_id: str, log_file: Path) -> dict:
    started = {"run_id": run_id, "command": request.command, "status": "running",
               "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "sites_requested": request.site_ids(), "options": {
                   "since": request.since, "max_articles": request.max_articles,
                   "max_runtime": request.max_runtime, "base_url": request.base_url,
                   "listing_depth": request.listing_depth, "backfill": request.backfill,
                   "start_url": request.start_url, "settings": request.overrides},
               "versions": versions(), "log_file": str(log_file)}
    write_manifest(request.out, run_id, started)
    return started


def join_shared_crawl(settings: Settings):
    from crawler.harvest.distributed import join
    return join(settings)


def prepare_state(out: Path, shared=None) -> HarvestState:
    """Under the lock: drop temp files of a crashed run, import files it committed unmarked.
    In a shared crawl the state is mirrored to Redis (crawler/harvest/distributed.py)."""
    from crawler.harvest.distributed import SharedState
    removed = remove_stale_temp_files(out)
    state = SharedState(out, shared) if shared else HarvestState(out)
    imported = state.reconcile()
    if shared:
        state.publish()
    if removed or imported:
        logger.info("recovered from an interrupted run: %d temp files removed, %d committed "
                    "files imported into the state", removed, imported)
    return state


def crawl(request: CrawlRequest, settings: Settings, state: HarvestState, shared=None) -> dict:
    from crawler.spiders.news import NewsSpider
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(NewsSpider)
    crawler.vnnews_state = state
    crawler.vnnews_shared = shared
    process.crawl(crawler, site=",".join(request.sites) or None, start_url=request.start_url,
                  base_url=request.base_url, since=request.since,
                  max_articles=request.max_articles)
    process.start()
    return crawler.stats.get_stats()


def assess(request, run_id, stats, state, log_file) -> tuple[CrawlResult, list[SiteReport]]:
    reports = [SiteReport.from_stats(stats, s) for s in request.site_ids()]
    histories = {r.site: state.site_history(r.site) for r in reports}
    code, reason, warnings = judge(stats, reports, histories)
    for report in reports:
        state.record_site_run(run_id, report.site, report.new_articles, report.article_pages,
                              report.no_text_pages, json.dumps(report.fill_rates))
    for warning in warnings:
        logger.warning(warning)
    return CrawlResult(run_id, stats, code, reason, log_file, warnings), reports
