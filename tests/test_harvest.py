"""Scheduled harvests against the fixture web: incremental, locked, exactly once across
SIGKILL, exit codes from the outcome."""
import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import LOCAL, ROOT, WEB, publish, run_cli

EXPECTED = json.loads((WEB / "EXPECTED.json").read_text(encoding="utf-8"))
SITES = ["demo-laocai", "demo-binhthuan"]


def harvest_args(servers, out, sites=SITES):
    bases = ",".join(f"{s}={servers[s].base_url}" for s in sites)
    return ["harvest", *sites, "--out", out, "--base-url", bases, *LOCAL]


def harvest(servers, out, *extra, sites=SITES, env=None):
    return run_cli(*harvest_args(servers, out, sites), *extra, env=env)


def all_expected(sites=SITES):
    return {f"https://{EXPECTED[s]['domain']}{p}" for s in sites for p in EXPECTED[s]["articles"]}


def assert_exactly_once(out, sites=SITES):
    for path in out.rglob("*.parquet"):
        pq.read_table(path)                       # every committed file reads
    frame = pd.read_parquet(out)
    assert frame.url.is_unique, frame.url[frame.url.duplicated()].tolist()
    assert set(frame.url) == all_expected(sites)


def article_requests(servers, sites=SITES):
    return [p for s in sites for p in servers[s].requests
            if p in EXPECTED[s]["articles"] or p.endswith(".html") and "-post" in p]


def add_articles(root, count):
    """New articles on demo-laocai, linked from its home page (as a newsroom would)."""
    site = root / "demo-laocai"
    source_path = next(site.glob("*-post40101.html"))
    source = source_path.read_text(encoding="utf-8")
    for i in range(count):
        slug = f"bai-moi-so-{i}-post4030{i}"
        text = source.replace(source_path.stem, slug).replace("Bát Xát", f"Bảo Yên {i} Bát Xát")
        publish(site, f"{slug}.html", text, f"Bài mới {i}")
    return {f"https://{EXPECTED['demo-laocai']['domain']}/{f'bai-moi-so-{i}-post4030{i}'}.html"
            for i in range(count)}


def test_second_harvest_fetches_no_article_and_new_ones_exactly(web, tmp_path):
    root, servers = web
    out = tmp_path / "corpus"
    first = harvest(servers, out)
    assert first.returncode == 0, first.stderr
    assert_exactly_once(out)
    for server in servers.values():
        server.clear_requests()
    second = harvest(servers, out)
    assert second.returncode == 0, second.stderr
    assert ", 0 new articles," in second.stdout
    assert article_requests(servers) == []
    manifest = json.loads(sorted((out / "_runs").glob("*.json"))[-1].read_text())
    assert manifest["articles_new"] == 0 and manifest["exit_code"] == 0
    log = (out / "_logs" / f"{manifest['run_id']}.log").read_text()
    assert "'downloader/response_status_count/304'" in log
    assert_exactly_once(out)

    new_urls = add_articles(root, 3)
    for server in servers.values():
        server.clear_requests()
    third = harvest(servers, out)
    assert third.returncode == 0, third.stderr
    frame = pd.read_parquet(out)
    added = set(frame[frame.run_id == frame.run_id.max()].url)
    assert added == new_urls
    assert len(article_requests(servers)) == 3


@pytest.mark.parametrize("crash", ["before_rename:3", "after_rename:3", "after_rename:1"])
def test_sigkill_while_committing_then_rerun_is_exactly_once(web, tmp_path, crash):
    _, servers = web
    out = tmp_path / "corpus"
    killed = harvest(servers, out, "-s", "CORPUS_FLUSH_ROWS=1", env={"VNNEWS_CRASH_AT": crash})
    assert killed.returncode == -signal.SIGKILL
    rerun = harvest(servers, out)
    assert rerun.returncode == 0, rerun.stderr
    assert_exactly_once(out)
    assert not list(out.rglob(".*.tmp"))
    listing = run_cli("runs", out)
    assert " killed " in listing.stdout and " finished " in listing.stdout


def test_sigkill_during_fetch_then_rerun_is_exactly_once(web, tmp_path):
    _, servers = web
    out = tmp_path / "corpus"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-m", "crawler",
                              *map(str, harvest_args(servers, out)), "-s", "CORPUS_FLUSH_ROWS=2",
                              "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "DOWNLOAD_DELAY=0.3"],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(article_requests(servers)) < 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert 0 < len(article_requests(servers))
    rerun = harvest(servers, out)
    assert rerun.returncode == 0, rerun.stderr
    assert_exactly_once(out)


def test_concurrent_harvest_exits_75_and_stale_lock_is_taken_over(web, tmp_path):
    _, servers = web
    out = tmp_path / "corpus"
    out.mkdir()
    # a lock file left by a dead run: no process holds the flock
    (out / "_run.lock").write_text(json.dumps({"pid": 999999, "host": "x", "run_id": "dead",
                                               "since": "2020-01-01"}))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.Popen([sys.executable, "-m", "crawler", *map(str, harvest_args(servers, out)),
                              "-s", "DOWNLOAD_DELAY=0.4", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while str(first.pid) not in (out / "_run.lock").read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    second = harvest(servers, out)
    assert second.returncode == 75
    line, = second.stderr.strip().splitlines()
    assert line.startswith("vnnews: locked:") and f"pid {first.pid}" in line
    stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    assert_exactly_once(out)


def test_unreachable_sites(web, tmp_path):
    _, servers = web
    dead = "http://127.0.0.1:9"
    both = run_cli("harvest", *SITES, "--out", tmp_path / "a", *LOCAL, "-s", "RETRY_TIMES=0",
                   "--base-url", ",".join(f"{s}={dead}" for s in SITES))
    assert both.returncode == 1
    # one line per site and one for the run on stdout; on stderr the reason alone
    assert len(both.stdout.strip().splitlines()) == len(SITES) + 1, both.stdout
    line, = both.stderr.strip().splitlines()
    assert line.startswith("vnnews: no site answered") and "Traceback" not in both.stderr
    one = run_cli("harvest", *SITES, "--out", tmp_path / "b", *LOCAL, "-s", "RETRY_TIMES=0",
                  "--base-url", f"demo-laocai={servers['demo-laocai'].base_url},demo-binhthuan={dead}")
    assert one.returncode == 3
    assert "demo-binhthuan: no answer" in one.stderr


def test_max_runtime_stops_cleanly(web, tmp_path):
    _, servers = web
    out = tmp_path / "corpus"
    slow = harvest(servers, out, "--max-runtime", "3", "-s", "DOWNLOAD_DELAY=1",
                   "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    assert slow.returncode == 0, slow.stderr
    manifest = json.loads(sorted((out / "_runs").glob("*.json"))[-1].read_text())
    assert manifest["finish_reason"] == "closespider_timeout"
    rest = harvest(servers, out)
    assert rest.returncode == 0
    assert_exactly_once(out)


def test_a_run_after_one_cut_short_knows_it_from_the_newest_manifest_alone(tmp_path):
    """The resume decision reads the last readable manifest, whatever lies before it."""
    from crawler.harvest.runner import last_run_was_cut_short
    runs = tmp_path / "_runs"
    runs.mkdir()
    assert not last_run_was_cut_short(tmp_path)
    (runs / "20260101T000000Z-1.json").write_text(json.dumps({"status": "running"}))
    assert last_run_was_cut_short(tmp_path)            # killed: its manifest never closed
    (runs / "20260102T000000Z-1.json").write_text(json.dumps(
        {"status": "finished", "finish_reason": "finished", "reason": "ok"}))
    assert not last_run_was_cut_short(tmp_path)
    (runs / "20260103T000000Z-1.json").write_text('{"status": "fini')     # cut by a full disk
    assert not last_run_was_cut_short(tmp_path)
    (runs / "20260104T000000Z-1.json").write_text(json.dumps(
        {"status": "finished", "finish_reason": "max_runtime", "reason": "ok: --max-runtime"}))
    assert last_run_was_cut_short(tmp_path)
