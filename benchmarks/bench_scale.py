"""Scale benchmark: prints figures and their ratios to the issue's targets, measured in one run.

1. incremental cost: CPU per new article of a crawl adding ~1% new articles (--new) to a
   corpus of --base articles, against the same crawl into an empty corpus; target <= 1.5x.
   The base corpus is generated (benchmarks/bench_corpus.py's text model) and indexed once
   before measuring, as yesterday's crawl would have left it; both crawls fetch the same
   generated pages from a local web server. CPU: user + system of the crawl process and its
   tokenizer workers (getrusage of waited children);
2. shared crawl: --pages generated articles crawled by one Redis worker, then by two, each
   worker pinned to its own core (as on its own machine; its tokenizer worker shares that
   core); wall time from start to the last worker's exit; target >= 1.6x;
3. sizing for docs/scaling.md: articles per hour per worker (CPU-bound: a local web,
   no politeness delay), disk per 10,000 articles, raw (WARC) and clean (parquet);
4. rebuild of an archive of --archive generated articles (written as the crawl archives
   them) with --workers 1 and 2; target >= 1.7x;
5. `make demo`'s crawl (archive on by default) rebuilt from its WARC files: the share of rows
   identical to the crawl's, provenance columns (run_id, warc_file) aside; target 100%.

The machine's load average is printed before and after: other processes on the machine
depress the scaling ratios (each run's wall time), not the CPU-time ratio of 1.

    .venv/bin/python benchmarks/bench_scale.py                 # ~10 minutes on 2 cores
    .venv/bin/python benchmarks/bench_scale.py --base 2000 --new 20 --pages 100 --archive 300
    .venv/bin/python benchmarks/bench_scale.py --only rebuild         # one part
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_corpus import Generator, write_corpus  # noqa: E402

SITE = "demo-laocai"
TEMPLATE = ROOT / "crawler" / "demo" / "web" / SITE
SOURCE = "bat-xat-dua-giong-lua-chat-luong-cao-vao-san-xuat-post40101"
LOCAL = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
         "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "TOKENIZE_WORKERS=1"]
TARGETS = {"incremental": 1.5, "crawl_scaling": 1.6, "rebuild_scaling": 1.7, "demo_identical": 1.0}
PROVENANCE = {"run_id", "warc_file"}


# -- a generated news site ---------------------------------------------------------------
def make_site(root: Path, count: int, seed: int, first: int) -> Path:
    """A copy of the demo-laocai fixture with `count` generated articles linked from its
    home page (about 600 words each, like a provincial news story)."""
    site = root / SITE
    shutil.copytree(TEMPLATE, site)
    template = (site / f"{SOURCE}.html").read_text(encoding="utf-8")
    model = Generator(seed).model
    links = []
    for i in range(first, first + count):
        slug = f"bai-viet-so-{i}-post{600000 + i}"
        sentences = model.sentences(32)
        title = " ".join(sentences[0].split()[:10]).rstrip(".") + f" ({i})"
        (site / f"{slug}.html").write_text(article_page(template, slug, title, sentences, i),
                                           encoding="utf-8")
        links.append(f'<a href="/{slug}.html">{title}</a>')
    home = site / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace("</body>", "\n".join(links) + "</body>"),
                    encoding="utf-8")
    return site


def article_page(template: str, slug: str, title: str, sentences: list[str], i: int) -> str:
    body = "\n".join(f'<p style="text-align: justify;">{" ".join(sentences[k:k + 4])}</p>'
                     for k in range(4, len(sentences), 4))
    page = re.sub(r'(itemprop="articleBody">).*?(<div class="t1">)', rf"\1\n{body}\n\2", template,
                  flags=re.S)
    page = page.replace("Bát Xát đưa giống lúa chất lượng cao vào sản xuất", title)
    page = re.sub(r"(cms-desc\"><i class=\"laocai-icon\"></i> )[^<]*", rf"\g<1>{' '.join(sentences[1:4])}", page)
    day = 1 + i % 28
    page = page.replace("2025-06-12T07:30", f"2025-05-{day:02d}T07:30").replace("12/06/2025", f"{day:02d}/05/2025")
    return page.replace(SOURCE, slug)


@contextmanager
def served(site: Path):
    from crawler.demo.server import serve_site
    with serve_site(site) as server:
        yield server.base_url


# -- running the CLI ---------------------------------------------------------------------
def cli(args, cpu: int | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    pin = (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None
    return subprocess.Popen([sys.executable, "-m", "crawler", *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=pin)


def finish(child: subprocess.Popen) -> None:
    stdout, stderr = child.communicate()
    if child.returncode:
        raise SystemExit(f"{child.args[3:6]} failed ({child.returncode}):\n{stderr[-2000:]}")


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def articles(directory: Path) -> int:
    import corpus
    return len(corpus.load(directory, columns=["url"])) if corpus.files(directory) else 0


# -- 1. incremental cost -----------------------------------------------------------------
def base_corpus(directory: Path, n: int) -> None:
    """n generated articles, indexed as a finished crawl leaves them (state, evidence,
    near-duplicate index)."""
    from corpus import neardup
    from crawler.harvest import site_boilerplate
    from crawler.harvest.state import HarvestState
    write_corpus(Generator(seed=3).generate(n)[:n], directory)
    state = HarvestState(directory)
    state.reconcile()
    state.close()
    site_boilerplate.update(directory, workers=0)
    neardup.update(directory)


def crawl_cpu(out: Path, base_url: str) -> tuple[float, int]:
    before, rows = child_cpu(), articles(out)
    finish(cli(["crawl", SITE, "--out", out, "--base-url", base_url, *LOCAL]))
    return child_cpu() - before, articles(out) - rows


def incremental(work: Path, base: int, new: int) -> dict:
    with served(make_site(work / "web1", new, seed=11, first=0)) as url:
        base_corpus(work / "big", base)
        size = articles(work / "big")
        empty_cpu, empty_new = crawl_cpu(work / "empty", url)
        big_cpu, big_new = crawl_cpu(work / "big", url)
    assert empty_new == big_new, (empty_new, big_new)
    per_empty, per_big = empty_cpu / empty_new, big_cpu / big_new
    print(f"1. adding {big_new} articles ({big_new / size:.1%}) to a {size}-article corpus vs to an empty one")
    print(f"   CPU per new article: empty corpus {per_empty * 1000:.0f} ms, "
          f"{size}-article corpus {per_big * 1000:.0f} ms")
    return {"incremental": per_big / per_empty}


# -- 2. and 4. shared crawl and rebuild ----------------------------------------------------
@contextmanager
def redis_server(directory: Path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    child = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", str(directory)], stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        child.terminate()
        child.wait()


def shared_crawl(url: str, base_url: str, outs: list[Path]) -> float:
    started = time.monotonic()
    workers = [cli(["crawl", SITE, "--out", out, "--base-url", base_url, "--redis", url, *LOCAL,
                    "-s", "CONCURRENT_REQUESTS=4", "-s", "REDIS_HOST_DELAY=0"], cpu=cpu)
               for cpu, out in enumerate(outs)]
    for worker in workers:
        finish(worker)
    return time.monotonic() - started


def timed_rebuild(warc: Path, out: Path, workers: int) -> float:
    started = time.monotonic()
    finish(cli(["rebuild", "--warc", warc, "--out", out, "--workers", workers]))
    return time.monotonic() - started


def scaling(work: Path, pages: int) -> dict:
    with served(make_site(work / "web2", pages, seed=12, first=10_000)) as base_url, \
            redis_server(work) as url:
        one = shared_crawl(url, base_url, [work / "one"])
        two = shared_crawl(url.replace("/0", "/1"), base_url, [work / "two-a", work / "two-b"])
    kept = articles(work / "one")
    assert articles(work / "two-a") + articles(work / "two-b") == kept
    print(f"2. shared crawl of {kept} articles: one worker {one:.1f} s, two workers {two:.1f} s "
          f"(split {articles(work / 'two-a')} + {articles(work / 'two-b')})")
    sizing(work / "one", kept, one)
    return {"crawl_scaling": one / two}


def archive_of(site: Path, warc: Path) -> int:
    """Every article page of a generated site as the crawl archives it (one WARC file)."""
    from datetime import datetime, timezone

    from crawler.harvest import archive
    files = archive.WarcFiles(warc, "bench", max_bytes=10**12)
    pages = sorted(site.glob("*-post6*.html"))
    for page in pages:
        now = datetime.now(timezone.utc)
        url = f"https://laocai.demo.vnnews.test/{page.name}"
        headers = {archive.H_SITE: SITE, archive.H_KIND: "article", archive.H_LINKED: url}
        files.write(archive.response_record(url, 200, [("Content-Type", "text/html; charset=utf-8")],
                                            page.read_bytes(), now, headers), now)
    files.close()
    return len(pages)


def rebuild_scaling(work: Path, pages: int) -> dict:
    count = archive_of(make_site(work / "web3", pages, seed=13, first=20_000), work / "warc")
    one = timed_rebuild(work / "warc", work / "rebuild-1", 1)
    two = timed_rebuild(work / "warc", work / "rebuild-2", 2)
    assert articles(work / "rebuild-1") == articles(work / "rebuild-2") == count
    print(f"4. rebuild of an archive of {count} articles: --workers 1 {one:.1f} s, "
          f"--workers 2 {two:.1f} s")
    return {"rebuild_scaling": one / two}


# -- 5. rebuild of the demo crawl -----------------------------------------------------------
def table_rows(directory: Path) -> dict[str, dict]:
    import pyarrow.dataset as ds

    from corpus.schema import SCHEMA
    table = ds.dataset(str(directory), schema=SCHEMA, format="parquet").to_table()
    return {row["url"]: row for row in table.to_pylist()}


def demo_rebuild(work: Path) -> dict:
    finish(cli(["demo", "--out", work / "demo"]))
    finish(cli(["rebuild", "--warc", work / "demo" / "_warc", "--out", work / "demo-rebuilt"]))
    crawled, rebuilt = table_rows(work / "demo"), table_rows(work / "demo-rebuilt")
    same = sum(url in rebuilt and all(row[k] == rebuilt[url][k] for k in row if k not in PROVENANCE)
               for url, row in crawled.items())
    extra = len(set(rebuilt) - set(crawled))
    print(f"5. rebuild of the demo crawl's archive: {same} of {len(crawled)} rows identical "
          f"(provenance aside), {extra} rows not in the crawl")
    return {"demo_identical": same / max(len(crawled) + extra, 1)}


# -- 3. sizing ---------------------------------------------------------------------------
def sizing(out: Path, kept: int, seconds: float) -> None:
    raw = sum(p.stat().st_size for p in (out / "_warc").glob("*.warc.gz"))
    clean = sum(p.stat().st_size for p in out.rglob("*.parquet"))
    print(f"3. one worker, one core, local web: {kept / seconds * 3600:,.0f} articles/hour "
          f"(start-up and end-of-crawl passes included)")
    print(f"   disk per 10,000 articles: raw {raw / kept * 1e4 / 1e6:,.0f} MB (WARC, listings "
          f"included), clean {clean / kept * 1e4 / 1e6:,.0f} MB (parquet)")
    real = ROOT.parent / "shared" / "real-pages"
    pages = sorted(real.glob("*_article*.html")) if real.is_dir() else []
    if pages:
        from crawler.harvest.archive import DEFAULT_GZIP_LEVEL as level   # as crawls archive
        mean = np.mean([len(gzip.compress(p.read_bytes(), level)) for p in pages])
        print(f"   real article pages ({len(pages)} in {real}) gzip (level {level}) to "
              f"{mean / 1e3:.0f} kB on average: "
              f"raw ~{mean * 1e4 / 1e6 * 1.5:,.0f} MB per 10,000 articles with 1 listing "
              f"page per 2 articles")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def report(ratios: dict, loads: tuple[str, str]) -> None:
    print("ratios (target):")
    verdicts = []
    for name, value in ratios.items():
        target = TARGETS[name]
        ok = value <= target if name == "incremental" else value >= target
        sign = {"incremental": "<=", "demo_identical": "=="}.get(name, ">=")
        shown = f"{value:.1%}" if name == "demo_identical" else f"{value:.2f}x"
        goal = f"{target:.0%}" if name == "demo_identical" else f"{target}x"
        print(f"  {name:<16} {shown:>7}  target {sign} {goal:<5} {'ok' if ok else 'MISSED'}")
        verdicts.append(f"{name}={shown}({sign}{goal} {'ok' if ok else 'MISSED'})")
    met = sum("ok)" in v for v in verdicts)
    print(f"bench-scale: {met}/{len(verdicts)} targets met: {' '.join(verdicts)} "
          f"cores={os.cpu_count()} load={loads[0]} -> {loads[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=int, default=10_000, help="articles already in the corpus")
    parser.add_argument("--new", type=int, default=100, help="new articles added (1%% by default)")
    parser.add_argument("--pages", type=int, default=1000, help="articles of the shared crawls")
    parser.add_argument("--archive", type=int, default=3000, help="articles of the rebuilds")
    parser.add_argument("--only", default="incremental,crawl,rebuild,demo",
                        help="comma-separated parts to run: incremental, crawl (shared crawl and "
                             "sizing), rebuild, demo (default: all)")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    unknown = parts - {"incremental", "crawl", "rebuild", "demo"}
    if unknown:
        parser.error(f"--only: unknown part(s) {', '.join(sorted(unknown))}")
    start = load()
    print(f"cores: {os.cpu_count()}, load average (1, 5, 15 min): {start}  "
          f"(other load on the machine depresses the scaling ratios)")
    with tempfile.TemporaryDirectory(prefix="vnnews-bench-") as work:
        ratios = {}
        if "incremental" in parts:
            ratios |= incremental(Path(work), args.base, args.new)
        if "crawl" in parts:
            ratios |= scaling(Path(work), args.pages)
        if "rebuild" in parts:
            ratios |= rebuild_scaling(Path(work), args.archive)
        if "demo" in parts:
            ratios |= demo_rebuild(Path(work))
    end = load()
    print(f"load average at the end: {end}")
    report(ratios, (start, end))


if __name__ == "__main__":
    main()
