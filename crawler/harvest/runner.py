"""Run one crawl in this process: lock the output, reconcile its state, crawl, judge the run
from its stats and the sites' history, write the manifest."""
from __future__ import annotations

import json
import logging
import signal
import sqlite3
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings

from crawler.harvest.state import HarvestState, follow_compaction, remove_stale_temp_files
from corpus.writer import new_run_id
from crawler.harvest.health import SiteReport, judge
from crawler.harvest.manifest import finished_manifest, versions, write_manifest
from crawler.harvest.runlock import RunLock

logger = logging.getLogger("vnnews.run")
# Finish reasons after which the whole-corpus passes wait for the next run: the run was asked
# to end now, or cannot write.
STOPPED = {"shutdown": "stopped by a signal", "closespider_timeout": "--max-runtime reached",
           "output_error": "output not writable"}


class OutputError(Exception):
    """The output directory stopped taking writes (full, read-only): one line, exit 1."""


class Interrupted(Exception):
    """SIGTERM, SIGINT or the deadline during the whole-corpus passes."""


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
    verbosity: int = 0            # -1 quiet, 0 normal (nothing on stderr while it runs), 1 verbose
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
    sites: list[SiteReport] = field(default_factory=list)
    neardup: dict = field(default_factory=dict)
    boilerplate: dict = field(default_factory=dict)
    passes: str = "done"          # the whole-corpus passes: done, deferred or failed, and why
    compacted: int = 0                   # partitions merged by the end-of-run compaction


def build_settings(request: CrawlRequest, run_id: str) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    values = {"CORPUS_DIR": str(request.out), "VNNEWS_RUN_ID": run_id,
              "VNNEWS_MAX_ARTICLES": request.max_articles,
              "LOG_INSTALL_ROOT_HANDLER": False,        # setup_logging does it
              "PROGRESS_LIVE": request.verbosity >= 0,
              "VNNEWS_MAX_RUNTIME": request.max_runtime}
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


def setup_logging(log_file: Path, level: str = "INFO", verbosity: int = 0) -> None:
    """The run's log file gets every line at LOG_LEVEL, timestamped. The console gets nothing
    while the run goes (cron mails only the summary) unless verbose: then our own INFO lines
    and everyone's warnings, timestamped too when stderr is a file."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    stamped = logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    to_file = logging.FileHandler(log_file, encoding="utf-8")
    to_file.setLevel(level)
    to_file.setFormatter(stamped)
    handlers: list[logging.Handler] = [to_file]
    if verbosity > 0:
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(level)
        console.setFormatter(logging.Formatter("%(levelname)s: %(message)s")
                             if sys.stderr.isatty() else stamped)
        console.addFilter(lambda r: r.levelno >= logging.WARNING or r.name.startswith("vnnews"))
        handlers.append(console)
    root = logging.getLogger()
    root.handlers[:] = handlers
    root.setLevel(level)
    # A full disk must not print a traceback per log line; the store reports it once.
    logging.raiseExceptions = False


def run_crawl(request: CrawlRequest) -> CrawlResult:
    """Raises crawler.harvest.runlock.Locked when another live run holds the output directory,
    OutputError when the output cannot be written."""
    run_id = new_run_id()
    deadline = time.monotonic() + request.max_runtime if request.max_runtime else None
    with RunLock(request.out).acquire(run_id):
        try:
            return _run_locked(request, run_id, deadline)
        except (OSError, sqlite3.Error) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise OutputError(f"output {request.out} is not writable: {reason}") from None


def last_run_was_cut_short(out: Path) -> bool:
    """The previous run was killed (its manifest still says running; we hold the lock now)
    or stopped by a signal or --max-runtime before its walks ended."""
    from crawler.harvest.manifest import latest_manifest
    last = latest_manifest(out)
    if last is None:
        return False
    return last.get("status") == "running" or "stop" in str(last.get("reason", "")).lower() \
        or last.get("finish_reason") not in (None, "finished", "max_articles")


def _run_locked(request: CrawlRequest, run_id: str, deadline: float | None) -> CrawlResult:
    log_file = request.out / "_logs" / f"{run_id}.log"
    settings = build_settings(request, run_id)
    setup_logging(log_file, settings.get("LOG_LEVEL"), request.verbosity)
    if last_run_was_cut_short(request.out):
        # its listing walks may have stopped half-way: a page of known articles does not
        # prove the older pages behind it were read, so this run walks past such pages
        settings.set("VNNEWS_RESUME_WALKS", True, "cmdline")
    started = start_manifest(request, run_id, log_file)
    shared = join_shared_crawl(settings) if request.redis else None
    state = prepare_state(request.out, shared)
    try:
        if deadline:     # the crawl gets what the start-up left of --max-runtime
            settings.set("VNNEWS_MAX_RUNTIME", max(0.1, deadline - time.monotonic()), "cmdline")
        stats = crawl(request, settings, state, shared)
        result, reports = assess(request, run_id, stats, state, log_file)
    finally:
        state.close()
        if shared:
            shared.leave()
    post_process(request.out, result, settings.getint("TOKENIZE_WORKERS"),
                 settings.getint("CORPUS_COMPACT_MIN_FILES"), deadline)
    write_manifest(request.out, run_id, finished_manifest(started, result, reports, result.warnings))
    return result


@contextmanager
def interruptible(seconds: float | None):
    """SIGTERM, SIGINT, and the deadline `seconds` from now, raise Interrupted inside."""
    def interrupt(signum, frame):
        raise Interrupted(signal.Signals(signum).name)
    previous = {s: signal.signal(s, interrupt) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM)}
    if seconds:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def post_process(out: Path, result: CrawlResult, workers: int, compact_min_files: int = 0,
                 deadline: float | None = None) -> None:
    """Whole-corpus passes, under the run lock, so their result depends only on the set of
    pages: site-level boilerplate lines (crawler/harvest/site_boilerplate.py), then near-duplicate
    marks (corpus/neardup.py). A failure leaves the corpus valid (atomic rewrites; the next
    run redoes the pass) and makes the run partial. A run told to stop (signal, deadline,
    unwritable output) leaves them to the next run, and a signal or the deadline during them
    interrupts them: every stop ends within seconds."""
    from corpus import neardup
    from crawler.harvest import site_boilerplate
    from crawler.harvest.health import EXIT_OK, EXIT_PARTIAL
    from pipelines.tokenize import TokenizerPool
    stopped = STOPPED.get(result.stats.get("finish_reason")) or \
        (result.stats.get("vnnews/output_error") and STOPPED["output_error"])
    left = deadline - time.monotonic() if deadline else None
    if stopped or (left is not None and left <= 0):
        result.passes = f"deferred to the next run: {stopped or '--max-runtime reached'}"
        return
    if not any(out.rglob("*.parquet")):
        return
    try:
        # The crawl's tokenizer workers are parked warm (pipelines/tokenize.py): the passes
        # re-tokenise and sketch on them instead of in this process alone.
        with interruptible(left), TokenizerPool(workers) as pool:
            started = time.monotonic()
            result.boilerplate = site_boilerplate.update(out, workers, pool)
            logger.info("site boilerplate pass: %s in %.1f s", result.boilerplate,
                        time.monotonic() - started)
            result.neardup = neardup.update(out, pool)
            logger.info("near-duplicate pass: %s", result.neardup)
        # Last, on the small files the passes read, and not interruptible: it swaps files
        # and then the state's (and the passes' indexes') list of them.
        result.compacted = compact_partitions(out, compact_min_files)
    except Interrupted as why:
        result.passes = f"deferred to the next run: interrupted by {why}"
        logger.warning("whole-corpus passes interrupted by %s; the next run redoes them", why)
    except Exception as exc:    # noqa: BLE001 - reported, and the next run retries it
        logger.exception("corpus post-processing failed")
        result.passes = f"failed: {exc}"
        if result.exit_code == EXIT_OK:
            result.exit_code, result.reason = EXIT_PARTIAL, f"partial: post-processing failed: {exc}"


def compact_partitions(out: Path, min_files: int) -> int:
    """Merge partitions that reached `min_files` files (0: never), keeping the state's file
    list and the passes' indexes in step; the run lock is held, so no reader of ours writes
    meanwhile."""
    from corpus.compact import compact
    if min_files < 1:
        return 0
    done = compact(out, min_files, upgrade=False)
    follow_compaction(out, done)
    if done:
        logger.info("compacted %d partitions: %d files into %d", len(done),
                    sum(len(part.old) for part in done), len(done))
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
    code, reason, warnings = judge(stats, reports, histories, state.sites_seen())
    for report in reports:
        state.record_site_run(run_id, report.site, report.new_articles, report.article_pages,
                              report.no_text_pages, json.dumps(report.fill_rates))
    for warning in warnings:
        logger.warning(warning)
    return CrawlResult(run_id, stats, code, reason, log_file, warnings, reports), reports
