"""`make soak`: unattended harvests through the fault mix of crawler/demo/faultweb.py.

Not in CI (about 20-30 minutes on 2 cores at the default sizes). For each size (5,000 and
20,000 generated articles by default) one fault site serves the articles plus every fault
(huge pages, gzip bomb, trickling, 429/503, redirect loops and chains, off-site redirects,
binary, empty, JS shell, NUL bytes, hostile text, resets, truncated bodies) behind a
robots.txt of 57 MB; another site, the off-site target, must never be asked. Each size is
crawled into a fresh corpus by the real CLI, then:

- every good article must be in the corpus exactly once, nothing from off the site;
- the crawl's process tree is sampled for RSS (crawler, parse and tokenise workers);
- a crash is an exit code other than 0 (ok) or 3 (partial), or a traceback anywhere.

Then two stops on the largest site: SIGTERM a few seconds in, and --max-runtime; each must
end within 10 s with every row it counted on disk. The last line is a contract:

    soak articles=<n> good_kept=<k>/<g> crashes=<c> offsite=<o> peak_rss_mb=<m>
         rss_ratio_5k_20k=<r> worst_stop_overrun_s=<s>

    python scripts/soak.py [--sizes 5000,20000] [--stop-after 20] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import psutil
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.demo.faultweb import FAULTS, serve_fault_site  # noqa: E402

# slow_parse needs a test hook to hang; the fault mix has everything else.
FAULT_MIX = [f for f in FAULTS if f != "slow_parse"]
LOCAL = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
         "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "VNNEWS_SITE_BUDGET=0"]
STOP_LIMIT_S = 10


def crawl_command(site, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "crawler", "crawl", "--start-url", site.base_url + "/",
            "--out", str(out), *LOCAL, *extra]


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants."""
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run(command: list[str], stop_after: float | None = None) -> dict:
    """Run the CLI; sample its tree's RSS; optionally SIGTERM it after `stop_after` s."""
    started = time.monotonic()
    child = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watched, peak, signalled = psutil.Process(child.pid), 0, None
    while child.poll() is None:
        peak = max(peak, tree_rss(watched) if child.poll() is None else 0)
        if stop_after is not None and signalled is None and time.monotonic() - started > stop_after:
            signalled = time.monotonic()
            child.send_signal(signal.SIGTERM)
        time.sleep(0.2)
    stdout, stderr = child.communicate()
    ended = time.monotonic()
    return {"code": child.returncode, "stdout": stdout, "stderr": stderr,
            "wall_s": ended - started, "peak_rss_mb": peak / 2**20,
            "stop_s": ended - signalled if signalled else None}


def manifest(out: Path) -> dict:
    return json.loads(sorted((out / "_runs").glob("*.json"))[-1].read_text())


def stored_urls(out: Path) -> list[str]:
    return [url for p in out.rglob("*.parquet") if not p.name.startswith(".")
            for url in pq.read_table(p, columns=["url"]).column("url").to_pylist()]


def crashed(result: dict, out: Path, expected=(0, 3)) -> bool:
    """An exit code other than the expected ones, or a traceback in its output or log."""
    logs = "".join(p.read_text(errors="replace") for p in (out / "_logs").glob("*.log"))
    return result["code"] not in expected or "Traceback" in result["stderr"] + logs


def soak_size(n: int, work: Path) -> dict:
    """One full harvest of n articles through the fault mix."""
    out = work / f"corpus-{n}"
    with serve_fault_site(articles=3) as evil, serve_fault_site(
            articles=n, faults=FAULT_MIX, robots="huge", offsite=evil.base_url) as site:
        result = run(crawl_command(site, out))
        good = {site.base_url + p for p in site.good_paths()}
        evil_hits = sum(evil.hits.values())
    urls = Counter(stored_urls(out))
    run_manifest = manifest(out)
    drops = {**run_manifest["dropped"], **run_manifest["requests_dropped"]}
    errors = Counter()
    for report in run_manifest["sites"].values():
        errors.update(report["errors"])
    figures = {"articles": n, "good": len(good), "good_kept": sum(1 for u in good if urls[u] == 1),
               "duplicated": sum(1 for u in urls if urls[u] > 1),
               "offsite": sum(1 for u in urls if u not in good) + evil_hits,
               "crashes": int(crashed(result, out)), "code": result["code"],
               "wall_s": result["wall_s"], "peak_rss_mb": result["peak_rss_mb"]}
    print(f"\n{n} articles: exit {result['code']}, {len(urls)} rows, "
          f"{figures['good_kept']}/{len(good)} good articles kept once, "
          f"{figures['offsite']} off-site, wall {result['wall_s']:.0f} s, "
          f"peak RSS {result['peak_rss_mb']:.0f} MB")
    print(f"  dropped by reason: {json.dumps(drops, sort_keys=True)}")
    print(f"  errors: {json.dumps(dict(errors), sort_keys=True)}")
    if result["code"] not in (0, 3):
        print(f"  stderr: {result['stderr'].strip()[-500:]}")
    return figures


def soak_stop(n: int, work: Path, how: str, after: float) -> tuple[float, bool]:
    """(seconds past the deadline or signal, every counted row on disk) of one stop."""
    out = work / f"stop-{how}-{n}"
    with serve_fault_site(articles=n, faults=FAULT_MIX) as site:
        if how == "sigterm":
            result = run(crawl_command(site, out), stop_after=after)
            overrun = result["stop_s"] or 0.0
        else:
            result = run(crawl_command(site, out, "--max-runtime", str(int(after))))
            started, ended = (datetime.fromisoformat(manifest(out)[k])
                              for k in ("started_at", "ended_at"))
            overrun = max(0.0, (ended - started).total_seconds() - int(after))
    kept = len(stored_urls(out))
    written = manifest(out)["articles_new"] == kept
    print(f"stop by {how} at {after:.0f} s: ended {overrun:.1f} s after, {kept} rows on disk, "
          f"{'all' if written else 'NOT all'} counted rows written (exit {result['code']})")
    # SIGTERM: exit 1, "stopped by a signal"; --max-runtime: a clean stop
    return overrun, written and not crashed(result, out, (1,) if how == "sigterm" else (0, 3))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5000,20000", help="article counts, smallest first")
    parser.add_argument("--stop-after", type=float, default=20.0,
                        help="seconds into the run at which the stops are asked for")
    parser.add_argument("--keep", type=Path, help="keep the corpora in this directory")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = args.keep or Path(tempfile.mkdtemp(prefix="vnnews-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        figures = [soak_size(n, work) for n in sizes]
        stops = [soak_stop(sizes[-1], work, how, args.stop_after)
                 for how in ("sigterm", "max-runtime")]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    last = figures[-1]
    crashes = sum(f["crashes"] for f in figures) + sum(not ok for _, ok in stops)
    ratio = last["peak_rss_mb"] / figures[0]["peak_rss_mb"]
    kept, good = sum(f["good_kept"] for f in figures), sum(f["good"] for f in figures)
    print(f"soak articles={sum(sizes)} good_kept={kept}/{good} crashes={crashes} "
          f"offsite={sum(f['offsite'] for f in figures)} "
          f"peak_rss_mb={max(f['peak_rss_mb'] for f in figures):.0f} "
          f"rss_ratio_5k_20k={ratio:.2f} worst_stop_overrun_s={max(s for s, _ in stops):.1f}")
    return 0 if crashes == 0 and kept == good else 1


if __name__ == "__main__":
    sys.exit(main())
