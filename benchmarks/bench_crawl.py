"""`make bench`: our crawl against the naive stack and the tokeniser bound, on the same pages.

One generated web of N provincial-paper articles (benchmarks/sitegen.py) is served on
127.0.0.1 for the whole run, and three children run against it, one after the other:

  ours    the real CLI: python -m crawler crawl --start-url URL --out DIR (every cleaning
          step, the parquet corpus, the harvest state, the end-of-crawl passes)
  naive   benchmarks/naive_spider.py: a plain Scrapy spider calling trafilatura.extract and
          underthesea.word_tokenize in its one process, writing JSON lines
  bound   benchmarks/bound_tokenize.py: plain underthesea.word_tokenize on the articles'
          texts in WORKERS processes, nothing else (the tokeniser bound)

Measured per child (benchmarks/measure.py): wall time, CPU of the whole process tree (exact,
wait4), peak RSS of the tree (psutil samples). Our CPU by stage: tokenizer worker processes
are measured directly (psutil), cut into phases at Scrapy's "Spider closed" log line; the
crawler process's CPU is split by the shares of a fourth run, a CPU-clock cProfile of the
same CLI on the same web (benchmarks/profile_cli.py, stages.py).
cProfile inflates Python-heavy code against C code (lxml, regex): the shares are
approximate, the totals are not.

The last line is the contract:
  bench N=<articles> ours_cpu_ms=<x> naive_cpu_ms=<y> ratio_naive=<x/y>
        bound_ratio=<ours articles/s over bound articles/s> nontok_share=<share> peak_rss_mb=<m>

    .venv/bin/python benchmarks/bench_crawl.py --n 3000        # ~8 minutes on 2 cores
    .venv/bin/python benchmarks/bench_crawl.py --n 200 --no-profile --skip-naive
    .venv/bin/python benchmarks/bench_crawl.py --n 3000 -s TOKENIZE_ENGINE=pyvi
    .venv/bin/python benchmarks/bench_crawl.py --n 3000 --project /tmp/old-checkout
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import measure  # noqa: E402
import sitegen  # noqa: E402
import stages  # noqa: E402

# A local server needs no politeness; the naive spider uses the same (naive_spider.py).
LOCAL = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 16,
         "CONCURRENT_REQUESTS_PER_DOMAIN": 8}
PRERENDER_MAX = 20_000     # articles the page server renders before the runs (~1.1 GB)
TARGETS = {"ratio_naive": 1.0, "bound_ratio": 0.75, "nontok_share": 0.25}


@dataclass
class Context:
    n: int
    workers: int
    base_url: str
    tmp: Path
    python: str
    project: Path = ROOT             # the checkout whose `python -m crawler` runs
    settings: tuple = ()             # extra -s NAME=VALUE for our crawl


# -- the runs -----------------------------------------------------------------------------
def ours_cmd(ctx: Context, out: Path, max_articles: int = 0) -> list[str]:
    cmd = ["-m", "crawler", "crawl", "--start-url", ctx.base_url + "/", "--out", str(out)]
    if max_articles:
        cmd += ["--max-articles", str(max_articles)]
    # The per-site request budget (10,000 by default) would stop a large web part-way.
    budget = max(10_000, 2 * ctx.n + 1_000)
    settings = [f"{k}={v}" for k, v in {**LOCAL, "TOKENIZE_WORKERS": ctx.workers,
                                         "VNNEWS_SITE_BUDGET": budget}.items()]
    return cmd + [arg for pair in [*settings, *ctx.settings] for arg in ("-s", pair)]


def run_ours(ctx: Context) -> measure.Run:
    out = ctx.tmp / "ours"
    return measure.run("ours", [ctx.python, *ours_cmd(ctx, out)], ctx.tmp / "ours.log",
                       cwd=ctx.project)


def run_naive(ctx: Context) -> measure.Run:
    cmd = [ctx.python, str(HERE / "naive_spider.py"), ctx.base_url + "/", str(ctx.tmp / "naive.jsonl")]
    return measure.run("naive", cmd, ctx.tmp / "naive.log", cwd=ctx.tmp)   # no scrapy.cfg here


def run_bound(ctx: Context, seed: int) -> measure.Run:
    texts = ctx.tmp / "texts.jsonl"
    script = str(HERE / "bound_tokenize.py")
    subprocess.run([ctx.python, script, str(texts), "--write", "--n", str(ctx.n), "--seed",
                    str(seed)], check=True)                      # not measured
    cmd = [ctx.python, script, str(texts), "--workers", str(ctx.workers)]
    return measure.run("bound", cmd, ctx.tmp / "bound.log", cwd=ctx.tmp)


def model_load_cpu(ctx: Context) -> float:
    """CPU of one fresh process importing underthesea and loading the segmentation model:
    what every tokenizer worker pays once."""
    code = "from underthesea import word_tokenize; word_tokenize('Xin chào Việt Nam.')"
    return measure.run("load", [ctx.python, "-c", code], ctx.tmp / "load.log").cpu


def run_profile(ctx: Context, articles: int) -> stages.Profile | None:
    if not articles:
        return None
    prof = ctx.tmp / "ours.prof"
    cmd = [ctx.python, str(HERE / "profile_cli.py"), str(prof),
           *ours_cmd(ctx, ctx.tmp / "profiled", max_articles=articles)[2:]]
    run = measure.run("profile", cmd, ctx.tmp / "profile.log", cwd=ctx.project)
    if run.exit_code not in (0, 2) or not prof.exists():
        print(f"warning: profiled run exited {run.exit_code}; see {ctx.tmp / 'profile.log'}")
        return None
    return stages.read(str(prof))


# -- what the runs produced -----------------------------------------------------------------
def crawl_log_times(out: Path) -> dict[str, float]:
    """Epoch times of Scrapy's "Spider opened" / "Spider closed" lines in the run's log."""
    times = {}
    for log in sorted((out / "_logs").glob("*.log")):
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            for event in ("Spider opened", "Spider closed"):
                if event in line and event not in times:
                    stamp = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
                    times[event] = stamp.timestamp()
    return times


def ours_rows(out: Path, web: sitegen.Web) -> tuple[int, int]:
    """(rows, rows whose text is exactly the generated article's text)."""
    import pyarrow.parquet as pq
    files = [p for p in out.rglob("*.parquet") if not p.name.startswith((".", "_"))]
    rows = exact = 0
    for path in files:
        for url, text in zip(*pq.read_table(path, columns=["url", "text"]).to_pydict().values()):
            rows += 1
            exact += _same_text(web, url, text)
    return rows, exact


def naive_rows(path: Path, web: sitegen.Web) -> tuple[int, int]:
    rows = exact = 0
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            rows += 1
            exact += _same_text(web, item["url"], item["text"])
    return rows, exact


def _same_text(web: sitegen.Web, url: str, text: str | None) -> bool:
    article_id = web._id_of("/" + url.split("/", 3)[-1])
    return article_id is not None and text == web.text(article_id)


# -- figures ------------------------------------------------------------------------------
@dataclass
class Breakdown:
    rows: list[tuple[str, float]]           # (stage, CPU seconds)
    tokenisation: float                     # CPU of the tokenizer worker processes
    notes: list[str]
    parse_in_workers: bool = False          # decode + extract ran outside the profiled process


def breakdown(ours: measure.Run, prof: stages.Profile | None, closed: float | None,
              load_cpu: float) -> Breakdown:
    workers = ours.worker_cpu
    after = workers - ours.cpu_at(closed, "workers") if closed else 0.0
    loads = min(load_cpu * len(ours.worker_pids), max(workers - after, 0.0))
    tokenise = max(workers - after - loads, 0.0)
    parse = ours.parse_cpu                   # decode + extract in the page-parsing workers
    main = max(ours.cpu - workers - parse, 0.0)   # exact total minus the sampled workers
    post = main * prof.share("end-of-crawl passes") if prof else 0.0   # the crawler's part
    workers_rows = [("decode + extract (page-parsing worker processes)", parse),
                    ("tokenise (worker processes)", tokenise),
                    ("end-of-crawl passes (workers only)" if not prof else
                     "end-of-crawl passes (crawler + workers)", post + after),
                    (f"model loads ({len(ours.worker_pids)} worker processes)", loads)]
    if prof is None:
        return Breakdown([("crawler process (not split: --no-profile)", main)] + workers_rows,
                         workers, [])
    named = ["decode", "extract", "clean", "site boilerplate (evidence)",
             "tokenise (hand-off to workers)", "archive (WARC)", "write"]
    if parse:       # article pages are decoded and extracted in the page-parsing workers
        named = named[2:]
    rows = [(stage, main * prof.share(stage)) for stage in named]
    rest = main - sum(cpu for _, cpu in rows) - post
    rows = [("fetch+parse (Scrapy, discovery, start-up, rest)", rest)] + rows + workers_rows
    return Breakdown(rows, workers, [], parse_in_workers=parse > 0)


def fmt_run(label: str, run: measure.Run, n: int, count: tuple[int, int | None] | None) -> str:
    rows = "-" if count is None else str(count[0]) if count[1] is None else f"{count[0]} ({count[1]})"
    return (f"  {label:18} {run.wall:8.1f} {n / run.wall:11.1f} {run.cpu:8.1f} "
            f"{1000 * run.cpu / n:10.1f} {run.peak_rss_mb:12.0f}  {rows:>11}  {run.exit_code}")


def report(ctx, runs, bd: Breakdown, prof, load_cpu, counts, web_info, closed) -> dict:
    ours, naive, bound = runs["ours"], runs.get("naive"), runs.get("bound")
    n = ctx.n
    print(f"\nruns ({ctx.workers} tokenizer processes; CPU = whole process tree):")
    print(f"  {'':18} {'wall s':>8} {'articles/s':>11} {'CPU s':>8} {'CPU ms/art':>10} "
          f"{'peak RSS MB':>12}  {'rows (exact)':>11}  exit")
    for label, run in (("ours (CLI crawl)", ours), ("naive stack", naive), ("tokeniser bound", bound)):
        if run is not None:
            print(fmt_run(label, run, n, counts.get(run.name)))
            kept = counts.get(run.name, (n, None))[0]
            if kept < n:
                print(f"  WARNING: {label} kept {kept} of {n} articles; every per-article figure "
                      f"divides by {n}, so compare nothing from this run")
    print(f"\nour CPU per article by stage (ms; share of our CPU):")
    total_ms = 1000 * ours.cpu / n
    for stage, cpu in bd.rows:
        print(f"  {stage:48} {1000 * cpu / n:7.1f}  {cpu / ours.cpu:6.1%}")
        if prof and stage.startswith("extract"):
            _detail(prof, "trafilatura (re-parses the HTML)", ours, bd, n)
            _detail(prof, "our HTML parse (lxml)", ours, bd, n)
        if prof and stage.startswith("fetch"):
            for name in ("discovery (listings, sitemaps)", "harvest state (SQLite)",
                         "logging (records emitted)"):
                _detail(prof, name, ours, bd, n)
    print(f"  {'total (measured)':48} {total_ms:7.1f}  100.0%")
    for note in bd.notes:
        print(f"  note: {note}")
    if prof and not bd.parse_in_workers:
        pages = max(prof.calls.get("decode", 0), 1)
        print(f"  HTML parses per decoded page in the profiled run ({pages} pages; calls, "
              "share of the crawler process's CPU):")
        for label, (calls, cpu) in stages.html_parses(prof.stats).items():
            print(f"    {label:44} {calls / pages:5.2f}  {cpu / prof.total:6.1%}")
    missing = [m for m in (prof.missing if prof else [])
               if not (bd.parse_in_workers and "extract" in m)]   # not in this process then
    if missing:
        print(f"  not found in the profile (renamed?): {', '.join(missing)}")
    figures = contract(ctx, ours, naive, bound, bd)
    print("\nratios (targets in brackets):")
    print(f"  CPU per article ours/naive      {figures['ratio_naive']:.2f}  (<= 1.0)")
    print(f"  articles/s ours/bound           {figures['bound_ratio']:.2f}  (>= 0.75)")
    print(f"  non-tokenisation share of ours  {figures['nontok_share']:.2f}  (<= 0.25)")
    print(f"  one model load: {1000 * load_cpu:.0f} ms CPU (a fresh process importing underthesea)")
    if closed:
        crawl_mb = ours.peak_rss_between(ours.started, closed)
        end_mb = ours.peak_rss_between(closed, ours.started + ours.wall)
        print(f"  our peak RSS: {crawl_mb:.0f} MB while crawling, {end_mb:.0f} MB in the "
              "end-of-crawl passes")
    _how_measured(ctx, web_info)
    return figures


def _detail(prof: stages.Profile, name: str, ours: measure.Run, bd: Breakdown, n: int) -> None:
    main = max(ours.cpu - bd.tokenisation, 0.0)
    cpu = main * prof.details[name] / prof.total if prof.total else 0.0
    print(f"    {'of which ' + name:46} {1000 * cpu / n:7.1f}  {cpu / ours.cpu:6.1%}")


def contract(ctx, ours, naive, bound, bd: Breakdown) -> dict:
    n = ctx.n
    ours_ms = 1000 * ours.cpu / n
    naive_ms = 1000 * naive.cpu / n if naive else float("nan")
    bound_rate = n / bound.wall if bound else float("nan")
    return {"ours_cpu_ms": ours_ms, "naive_cpu_ms": naive_ms, "ratio_naive": ours_ms / naive_ms,
            "bound_ratio": (n / ours.wall) / bound_rate,
            "nontok_share": 1 - bd.tokenisation / ours.cpu, "peak_rss_mb": ours.peak_rss_mb}


def _how_measured(ctx: Context, web_info: str) -> None:
    print(f"\nhow measured: {web_info}. Each run is a child process; CPU is user+system of "
          "its whole tree (wait4), peak RSS the largest sum over the tree (psutil, 0.2 s "
          "samples), articles/s = N / wall time of the whole command (start-up and end-of-"
          "crawl passes included). Tokenisation = CPU of the tokenizer worker processes "
          "(psutil), split at Scrapy's 'Spider closed' log line into crawl and end-of-crawl, "
          "minus one measured model load per worker process; the crawler process's CPU is "
          "split by the shares of a CPU-clock cProfile of the same CLI on the same web "
          "(approximate: profiling inflates Python-heavy code against C code).")


def host_line(ctx: Context) -> str:
    load = os.getloadavg()
    return (f"host: {os.cpu_count()} CPUs, load average {load[0]:.2f} before the runs "
            "(other processes on the host slow the wall-clock figures first)")


# -- main ---------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="example: .venv/bin/python benchmarks/bench_crawl.py --n 3000")
    parser.add_argument("--n", type=int, default=3000, help="articles in the web (default 3000)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                        help="tokenizer processes for ours and the bound (default: CPUs)")
    parser.add_argument("--profile-n", type=int, default=0, metavar="N",
                        help="articles in the profiled run (default: all; 0 with --no-profile)")
    parser.add_argument("--no-profile", action="store_true",
                        help="no profiled run: the crawler process is not split into stages")
    parser.add_argument("--project", type=Path, default=ROOT,
                        help="run our crawl from this checkout (before/after comparisons)")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="extra setting for our crawl, e.g. -s TOKENIZE_ENGINE=pyvi")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--skip-bound", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the outputs and logs")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="vnnews-bench-"))
    try:
        return bench(args, tmp)
    finally:
        if args.keep:
            print(f"outputs and logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def bench(args, tmp: Path) -> int:
    web = sitegen.Web(args.n, args.seed)
    extra = "" if args.project.resolve() == ROOT else f", our crawl from {args.project}"
    extra += f", our crawl with -s {' -s '.join(args.settings)}" if args.settings else ""
    print(f"vnnews bench: N={args.n} generated articles, {args.workers} tokenizer processes{extra}")
    with sitegen.serve(args.n, args.seed, prerender=args.n <= PRERENDER_MAX) as server:
        web.base_url = server.base_url
        ctx = Context(args.n, args.workers, server.base_url, tmp, sys.executable,
                      args.project.resolve(), tuple(args.settings))
        print(host_line(ctx), flush=True)
        runs = {"ours": run_ours(ctx)}
        print(f"  ours done in {runs['ours'].wall:.0f} s", flush=True)
        if not args.skip_naive:
            runs["naive"] = run_naive(ctx)
            print(f"  naive done in {runs['naive'].wall:.0f} s", flush=True)
        if not args.skip_bound:
            runs["bound"] = run_bound(ctx, args.seed)
            print(f"  bound done in {runs['bound'].wall:.0f} s", flush=True)
        load_cpu = model_load_cpu(ctx)
        prof = None if args.no_profile else run_profile(ctx, min(args.profile_n or args.n, args.n))
        requests = server.requests
    counts = _counts(tmp, web, runs)
    closed = crawl_log_times(tmp / "ours").get("Spider closed")
    bd = breakdown(runs["ours"], prof, closed, load_cpu)
    sample = [web.ids()[i] for i in range(0, args.n, max(1, args.n // 50))]
    html_kb = sum(len(web.article_page(i).encode()) for i in sample) / len(sample) / 1000
    text_kb = sum(len(web.text(i).encode()) for i in sample) / len(sample) / 1000
    web_info = (f"one generated web, {args.n} articles of {html_kb:.0f} KB HTML and {text_kb:.1f} "
                f"KB text (mean), served from 127.0.0.1 by one server for every run "
                f"({requests} requests in all)")
    figures = report(ctx, runs, bd, prof, load_cpu, counts, web_info, closed)
    if runs["ours"].exit_code != 0:
        print(f"warning: our crawl exited {runs['ours'].exit_code}; see its log (--keep)")
    print(f"bench N={args.n} ours_cpu_ms={figures['ours_cpu_ms']:.1f} "
          f"naive_cpu_ms={figures['naive_cpu_ms']:.1f} ratio_naive={figures['ratio_naive']:.2f} "
          f"bound_ratio={figures['bound_ratio']:.2f} nontok_share={figures['nontok_share']:.2f} "
          f"peak_rss_mb={figures['peak_rss_mb']:.0f}")
    return 0


def _counts(tmp: Path, web: sitegen.Web, runs: dict) -> dict[str, tuple[int, int | None]]:
    """{run: (rows written, rows whose text is exactly the generated one; None: not checked)}."""
    counts = {"ours": ours_rows(tmp / "ours", web)}
    if "naive" in runs:
        counts["naive"] = naive_rows(tmp / "naive.jsonl", web)
    if "bound" in runs:
        counts["bound"] = (web.n, None)
    return counts

if __name__ == "__main__":
    sys.exit(main())
