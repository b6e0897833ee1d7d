"""benchmarks/: the generated web is deterministic, and `make bench` ends with its contract line."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import sitegen  # noqa: E402

CONTRACT = re.compile(r"^bench N=(\d+) ours_cpu_ms=([\d.]+) naive_cpu_ms=([\d.]+) "
                      r"ratio_naive=([\d.]+) bound_ratio=([\d.]+) nontok_share=([\d.]+) "
                      r"peak_rss_mb=(\d+)$")


def test_generated_web_is_the_same_for_every_run_and_links_every_article():
    a, b = sitegen.Web(40), sitegen.Web(40)
    a.base_url = b.base_url = "http://127.0.0.1:1"
    urls = [a.url(i) for i in a.ids()]
    assert len(set(urls)) == 40
    assert all(a.page(u) == b.page(u) for u in urls[:5])
    status, ctype, body = a.page(urls[3])
    assert status == 200 and "utf-8" in ctype and len(body) > 30_000
    assert a.text(a.ids()[3]).split("\n")[0] in body.decode()   # the lead is printed
    sitemap = a.page("/sitemap-0.xml")[2].decode()
    assert sum(f"{a.base_url}{u}</loc>" in sitemap for u in urls) == 40
    assert a.page("/robots.txt")[2].decode().endswith("Sitemap: http://127.0.0.1:1/sitemap.xml\n")
    assert a.page("/no-such-page-120001.html")[0] == 404


def test_a_prerendered_server_serves_the_same_bytes_over_http():
    """`make bench` renders the pages before the runs, so that its server's CPU does not
    share the cores with the crawl it measures: what a crawler gets must not change."""
    from urllib.request import urlopen
    with sitegen.serve(30, prerender=True) as fast, sitegen.serve(30) as plain:
        assert len(fast.rendered) == 30
        for path in (fast.web.url(fast.web.ids()[7]), "/", "/sitemap-0.xml", "/robots.txt"):
            got = [urlopen(server.base_url + path).read() for server in (fast, plain)]
            assert got[0] == got[1].replace(plain.base_url.encode(), fast.base_url.encode())
        assert (fast.web.url(fast.web.ids()[7]), "") in fast.rendered and ("/", "") in fast.rendered


def test_bench_runs_the_three_stacks_and_prints_the_contract_last():
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_crawl.py"),
                          "--n", "12", "--no-profile"],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.strip().splitlines()
    match = CONTRACT.match(lines[-1])
    assert match, lines[-1]
    n, ours, naive, ratio = int(match[1]), float(match[2]), float(match[3]), float(match[4])
    assert n == 12 and ours > 0 and naive > 0 and abs(ratio - ours / naive) < 0.02
    assert "ours (CLI crawl)" in run.stdout and "tokeniser bound" in run.stdout
    assert "12 (" in run.stdout                     # our crawl stored the 12 articles
