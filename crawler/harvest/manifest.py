"""Per-run manifest DIR/_runs/<run_id>.json: written at start ("running") and at the end,
atomically, so a killed run still shows up in `runs`."""
from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from crawler.harvest.stats_keys import DROP_PREFIX, REQUEST_DROP_PREFIX, stats_under

RUNS_DIR = "_runs"
PACKAGES = ("vnnews", "scrapy", "underthesea", "trafilatura", "pyarrow", "pandas")


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def manifest_path(out: Path, run_id: str) -> Path:
    return Path(out) / RUNS_DIR / f"{run_id}.json"


def write_manifest(out: Path, run_id: str, data: dict) -> Path:
    path = manifest_path(out, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    os.replace(tmp, path)
    return path


def finished_manifest(started: dict, result, reports, warnings) -> dict:
    stats = result.stats
    return {**started, "status": "finished", "ended_at": stats.get("finish_time"),
            "finish_reason": stats.get("finish_reason"), "exit_code": result.exit_code,
            "reason": result.reason, "warnings": warnings,
            "articles_new": sum(r.new_articles for r in reports),
            "pages_fetched": stats.get("response_received_count", 0),
            "dropped": stats_under(stats, DROP_PREFIX),
            "sites": {r.site: asdict(r) for r in reports},
            "requests_dropped": stats_under(stats, REQUEST_DROP_PREFIX),
            "files": stats.get("vnnews/files", []), "near_duplicates": result.neardup,
            "site_boilerplate": result.boilerplate, "whole_corpus_passes": result.passes,
            "partitions_compacted": result.compacted}


def load_manifests(out: Path) -> list[dict]:
    """Every readable manifest, oldest first (run ids start with their UTC start time)."""
    return [run for path in _manifest_paths(out) if (run := _read(path)) is not None]


def latest_manifest(out: Path) -> dict | None:
    """The newest readable manifest, without reading the others (a corpus keeps years of runs)."""
    for path in reversed(_manifest_paths(out)):
        if (run := _read(path)) is not None:
            return run
    return None


def _manifest_paths(out: Path) -> list[Path]:
    return sorted((Path(out) / RUNS_DIR).glob("*.json"))


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:      # a manifest cut short by a full disk: skipped, not fatal
        return None
