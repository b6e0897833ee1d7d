"""Unattended runs against the fault web (crawler/demo/faultweb.py): the real CLI in a child
process, real servers on 127.0.0.1. Each test fails if its bound or outcome regresses."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import LOCAL, ROOT, run_cli
from crawler.demo.faultweb import PRIVATE_PATH, fault_path, serve_fault_site

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def crawl(site, out, *extra, env=None):
    return run_cli("crawl", "--start-url", site.base_url + "/", "--out", out, *LOCAL, *extra,
                   env=env)


def crawl_args(site, out, *extra):
    return [sys.executable, "-m", "crawler", "crawl", "--start-url", site.base_url + "/",
            "--out", str(out), *LOCAL, *extra]


def manifest(out) -> dict:
    return json.loads(sorted((out / "_runs").glob("*.json"))[-1].read_text())


def requests_dropped(out) -> dict:
    """The run's dropped requests by reason, less the one robots.txt rightly forbids: every
    fault site's home page links PRIVATE_PATH, which its robots.txt disallows."""
    dropped = dict(manifest(out)["requests_dropped"])
    assert dropped.pop("robots") == 1, dropped
    return dropped


def stored(out) -> list[str]:
    return list(pd.read_parquet(out).url) if any(out.rglob("*.parquet")) else []


def assert_good_pages_once(site, out):
    urls = stored(out)
    assert sorted(urls) == sorted(site.base_url + p for p in site.good_paths())


def rows_on_disk(out) -> int:
    """Rows in the committed parquet files (a file is renamed into place whole)."""
    return sum(pq.read_metadata(p).num_rows for p in out.rglob("*.parquet")
               if not p.name.startswith("."))


def run_seconds(run: dict) -> float:
    """Wall time of a run, from its manifest."""
    started, ended = (datetime.fromisoformat(run[k]) for k in ("started_at", "ended_at"))
    return (ended - started).total_seconds()


def wait_for(condition, seconds=120):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the crawl never got there"
        time.sleep(0.05)


# -- confinement ------------------------------------------------------------------------
def test_redirects_off_the_site_are_counted_and_not_followed(tmp_path):
    with serve_fault_site(articles=3) as evil, serve_fault_site(
            articles=3, faults=["offsite", "offsite_host", "file_redirect"],
            offsite=evil.base_url) as site:
        result = crawl(site, tmp_path / "c")
        assert result.returncode == 0, result.stderr
        assert sum(evil.hits.values()) == 0
    # offsite_host points at this very server under another name: still another host
    assert site.hits["/tin/ban-tin-so-0-100000.html"] == 1
    assert requests_dropped(tmp_path / "c") == {"offsite_redirect": 3}
    assert_good_pages_once(site, tmp_path / "c")


# -- bounds ------------------------------------------------------------------------------
def test_huge_pages_gzip_bombs_and_huge_robots_cost_a_few_megabytes(tmp_path):
    out = tmp_path / "c"
    with serve_fault_site(articles=4, faults=["huge", "huge_declared", "gzip_bomb"],
                          robots="huge") as site:
        result = crawl(site, out)
        assert result.returncode == 0, result.stderr
        assert requests_dropped(out) == {"too_large": 3}
        for fault in ("huge", "huge_declared"):
            assert site.bytes_sent[fault_path(fault)] < 16 * 2**20     # of 300 MB
        # of 57 MB, in two fetches (the robots middleware's and discovery's sitemap probe):
        # the crawler reads 512 KiB of each; what the server wrote into loopback socket
        # buffers before the connection closed (4-5 MB each) moves with timing
        assert site.hits["/robots.txt"] == 2
        assert site.bytes_sent["/robots.txt"] < 2 * 8 * 2**20
        assert site.hits[PRIVATE_PATH] == 0          # the robots.txt lines read were obeyed
        assert_good_pages_once(site, out)
        again = crawl(site, out)                     # too large now, too large then
        assert again.returncode == 0, again.stderr
        assert all(site.hits[fault_path(f)] == 1 for f in ("huge", "huge_declared", "gzip_bomb"))


def test_trickling_server_times_out(tmp_path):
    out = tmp_path / "c"
    with serve_fault_site(articles=3, faults=["trickle"]) as site:
        result = crawl(site, out, "-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=0")
    assert result.returncode == 0, result.stderr
    assert requests_dropped(out) == {"timeout": 1}
    assert_good_pages_once(site, out)


def test_a_page_whose_extraction_hangs_is_dropped_and_not_fetched_again(tmp_path):
    out = tmp_path / "c"
    hang = {"VNNEWS_HANG_AT": "extract:slow-parse"}
    with serve_fault_site(articles=4, faults=["slow_parse"]) as site:
        result = crawl(site, out, "-s", "VNNEWS_PARSE_TIMEOUT=2", env=hang)
        assert result.returncode == 0, result.stderr
        assert manifest(out)["dropped"] == {"ParseTimeout": 1}
        assert sorted(stored(out)) == sorted(site.base_url + p for p in site.good_paths()
                                             if "slow" not in p)
        again = crawl(site, out, "-s", "VNNEWS_PARSE_TIMEOUT=2", env=hang)
        assert again.returncode == 0 and site.hits[fault_path("slow_parse")] == 1


def test_session_ids_changing_queries_and_calendars_do_not_multiply_requests(tmp_path):
    out = tmp_path / "c"
    with serve_fault_site(articles=12, traps=True) as site:
        result = crawl(site, out)
    assert result.returncode == 0, result.stderr
    article_hits = {p: n for p, n in site.hits.items() if p.startswith("/tin/")}
    assert len(article_hits) == 12 and set(article_hits.values()) == {1}
    assert_good_pages_once(site, out)                      # stored without ?sid= or ?r=
    assert manifest(out)["requests_dropped"]["trap"] >= 1   # /lich/2199-01-01/
    assert site.hits["/lich/2199-01-01/"] == 0


def test_site_budget_spreads_a_big_site_over_runs_exactly_once(tmp_path):
    out = tmp_path / "c"
    with serve_fault_site(articles=30) as site:
        for _ in range(4):
            before = sum(site.hits.values()) - site.hits["/robots.txt"]
            result = crawl(site, out, "-s", "VNNEWS_SITE_BUDGET=20")
            assert result.returncode == 0, result.stderr
            assert sum(site.hits.values()) - site.hits["/robots.txt"] - before <= 20
            if len(stored(out)) == 30:
                break
            assert manifest(out)["requests_dropped"]["budget"] > 0
        assert_good_pages_once(site, out)


def test_retry_after_is_honoured_and_a_long_one_left_for_the_next_run(tmp_path):
    out = tmp_path / "c"
    with serve_fault_site(articles=2, faults=["retry_429", "retry_503"]) as site:
        patient = crawl(site, tmp_path / "patient")
        assert patient.returncode == 0, patient.stderr
        assert_good_pages_once(site, tmp_path / "patient")
        assert site.hits[fault_path("retry_429")] == 2
    with serve_fault_site(articles=2, faults=["retry_429", "retry_503"]) as site:
        hurried = crawl(site, out, "-s", "VNNEWS_RETRY_AFTER_MAX=0.5")
        assert hurried.returncode == 0, hurried.stderr
        assert requests_dropped(out) == {"retry_after": 2}
        assert crawl(site, out).returncode == 0          # the next run asks again
        assert_good_pages_once(site, out)


def test_redirect_loops_and_chains_are_dropped_with_their_reason(tmp_path):
    out = tmp_path / "c"
    with serve_fault_site(articles=2, faults=["loop", "redirect_chain"]) as site:
        result = crawl(site, out)
    assert result.returncode == 0, result.stderr
    assert requests_dropped(out) == {"redirect_loop": 1, "max_redirects": 1}
    assert site.hits[fault_path("redirect_chain")] <= 6


def test_bad_bodies_dropped_with_a_reason_good_ones_kept_whole(tmp_path):
    out = tmp_path / "c"
    faults = ["binary", "empty", "js_shell", "nul", "hostile_text", "reset", "truncated"]
    with serve_fault_site(articles=6, faults=faults) as site:
        result = crawl(site, out, "-s", "RETRY_TIMES=0")
    assert result.returncode == 0, result.stderr
    run = manifest(out)
    assert run["dropped"] == {"NotAnArticle": 2, "Undecodable": 1}
    assert run["sites"]["generic"]["errors"] == {"ResponseDataLossError": 2}
    assert_good_pages_once(site, out)
    frame = pd.read_parquet(out).set_index("url")
    hostile = frame.loc[site.base_url + fault_path("hostile_text")].text
    assert "Robert'); DROP TABLE bai_viet;-- nói <script>alert(1)</script>" in hostile
    assert "document.cookie" not in hostile
    assert "\x00" not in frame.loc[site.base_url + fault_path("nul")].text


# -- robots.txt --------------------------------------------------------------------------
@pytest.mark.parametrize("robots, message", [
    ("forbid", "robots.txt forbids everything"),
    ("error", "robots.txt unavailable (5xx)"),
])
def test_robots_forbidding_everything_is_a_failed_site(tmp_path, robots, message):
    out = tmp_path / "c"
    with serve_fault_site(articles=3, robots=robots) as site:
        result = crawl(site, out)
    assert result.returncode == 1
    assert message in result.stderr.strip().splitlines()[-1]
    assert set(site.hits) == {"/robots.txt"}
    status = manifest(out)["sites"]["generic"]
    assert status["status"] == 1 and message in status["status_reason"]


# -- stopping ----------------------------------------------------------------------------
def test_sigterm_ends_the_run_at_once_with_everything_fetched_written(tmp_path):
    out = tmp_path / "c"
    with serve_fault_site(articles=6, faults=["trickle"]) as site:
        # 600 s downloads: only cancelling them ends the run before the test gives up
        child = subprocess.Popen(crawl_args(site, out, "-s", "DOWNLOAD_TIMEOUT=600"), cwd=ROOT,
                                 env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for(lambda: len(site.served) == 6 and site.hits[fault_path("trickle")])
        signalled = time.monotonic()
        child.send_signal(signal.SIGTERM)
        stdout, stderr = child.communicate(timeout=60)
        print(f"SIGTERM to exit: {time.monotonic() - signalled:.1f} s")
        assert time.monotonic() - signalled < 10
        assert child.returncode == 1
        assert stderr.strip().splitlines()[-1].startswith("vnnews: stopped by a signal")
        run = manifest(out)
        assert run["status"] == "finished" and run["finish_reason"] == "shutdown"
        assert set(requests_dropped(out)) == {"stopped"}   # the trickle, and any request in flight
        assert sorted(stored(out)) == sorted(site.base_url + p for p in site.good_paths())
        assert crawl(site, out, "-s", "DOWNLOAD_TIMEOUT=1").returncode == 0
        assert_good_pages_once(site, out)


def test_max_runtime_cuts_slow_downloads_and_defers_the_corpus_passes(tmp_path):
    out = tmp_path / "c"
    with serve_fault_site(articles=4, faults=["trickle"]) as site:
        result = run_cli(*crawl_args(site, out, "-s", "DOWNLOAD_TIMEOUT=600",
                                     "--max-runtime", "5")[3:], timeout=60)
    assert result.returncode == 0, result.stderr
    run = manifest(out)
    assert run["finish_reason"] == "closespider_timeout"
    overrun = run_seconds(run) - 5
    print(f"--max-runtime 5: run took {run_seconds(run):.1f} s, {overrun:.1f} s past the deadline")
    assert overrun < 10
    assert run["whole_corpus_passes"].startswith("deferred to the next run")
    assert_good_pages_once(site, out)


def test_sigkill_loses_at_most_the_last_batch_and_the_rerun_fetches_only_the_rest(tmp_path):
    """Rows wait at most CORPUS_FLUSH_SECONDS: a run stalled on a slow server keeps what
    it fetched through a SIGKILL, and the rerun fetches none of it again."""
    out = tmp_path / "c"
    with serve_fault_site(articles=6, faults=["trickle"]) as site:
        child = subprocess.Popen(crawl_args(site, out, "-s", "DOWNLOAD_TIMEOUT=600",
                                            "-s", "CORPUS_FLUSH_SECONDS=1"), cwd=ROOT, env=ENV,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(lambda: rows_on_disk(out) == 6, seconds=60)
        finally:
            child.kill()
            child.wait()
        assert sorted(stored(out)) == sorted(site.base_url + p for p in site.good_paths())
        assert crawl(site, out, "-s", "DOWNLOAD_TIMEOUT=1").returncode == 0
        assert all(site.hits[p] == 1 for p in site.good_paths())
        assert_good_pages_once(site, out)


def test_rows_reach_disk_in_small_batches(tmp_path):
    out = tmp_path / "c"
    with serve_fault_site(articles=120) as site:
        result = crawl(site, out)                     # default CORPUS_FLUSH_ROWS
    assert result.returncode == 0, result.stderr
    sizes = [pq.read_metadata(p).num_rows for p in out.rglob("*.parquet")]
    assert sum(sizes) == 120 and max(sizes) <= 50


# -- full disk ---------------------------------------------------------------------------
def can_mount_tmpfs() -> bool:
    return shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "-Urm", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not can_mount_tmpfs(), reason="needs `unshare -Urm` to mount a small tmpfs")
def test_full_disk_stops_the_run_with_one_line_and_keeps_what_was_written(tmp_path):
    disk, copy = tmp_path / "disk", tmp_path / "copy"
    disk.mkdir()
    check = ("import sys, pyarrow.parquet as pq, pathlib; "
             "files = list(pathlib.Path(sys.argv[1]).rglob('*.parquet')); "
             "print('rows', sum(pq.read_table(f).num_rows for f in files))")
    with serve_fault_site(articles=300) as site:
        crawl_cmd = " ".join(crawl_args(site, disk / "c", "-s", "CORPUS_FLUSH_ROWS=5"))
        script = (f"mount -t tmpfs -o size=700k tmpfs {disk} && "
                  f"{crawl_cmd}; echo exit=$?; {sys.executable} -c \"{check}\" {disk}/c; "
                  f"cp -a {disk}/c {copy}")
        result = subprocess.run(["unshare", "-Urm", "sh", "-c", script], cwd=ROOT, env=ENV,
                                capture_output=True, text=True, timeout=300)
        assert "exit=1" in result.stdout, result.stdout + result.stderr
        line, = result.stderr.strip().splitlines()
        # the first writer to hit the full disk names it: a parquet or WARC file, or SQLite
        assert "not writable" in line and ("No space left on device" in line or "disk is full" in line)
        assert "Traceback" not in result.stderr
        kept = int(re.search(r"rows (\d+)", result.stdout)[1])
        assert 0 < kept < 300
        rerun = crawl(site, copy)                     # on a disk with room: the rest, once
        assert rerun.returncode == 0, rerun.stderr
        assert_good_pages_once(site, copy)


@pytest.mark.skipif(not can_mount_tmpfs(), reason="needs `unshare -Urm` to mount read-only")
def test_read_only_output_fails_with_one_line_and_leaves_the_corpus_alone(tmp_path):
    out = tmp_path / "c"
    with serve_fault_site(articles=3) as site:
        assert crawl(site, out).returncode == 0
        before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
        script = (f"mount --bind {out} {out} && mount -o remount,ro,bind {out} && "
                  + " ".join(crawl_args(site, out)))
        result = subprocess.run(["unshare", "-Urm", "sh", "-c", script], cwd=ROOT, env=ENV,
                                capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    line, = result.stderr.strip().splitlines()
    assert "not writable" in line and "Read-only file system" in line
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


# -- quiet by default --------------------------------------------------------------------
def test_quiet_by_default_silent_with_q_and_a_log_file_without_item_dumps(tmp_path):
    with serve_fault_site(articles=5, faults=["empty", "duplicate"]) as site:
        normal = crawl(site, tmp_path / "a")
        quiet = crawl(site, tmp_path / "b", "-q")
    assert normal.returncode == 0 and normal.stderr == ""
    site_line, run_line = normal.stdout.strip().splitlines()
    assert site_line.startswith("generic: ok, +5 new (5 in corpus), dropped ")
    assert "NotAnArticle 1" in site_line and "DuplicateURL 1" in site_line
    assert run_line.startswith("run ") and "(exit 0), 5 new articles" in run_line
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    log = next((tmp_path / "a" / "_logs").glob("*.log")).read_text()
    assert "Dropped " in log and "'tokens'" not in log and "DEBUG" not in log
    records = [line for line in log.splitlines() if re.search(r"\[[\w.]+\] [A-Z]+: ", line)]
    assert records and all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r) for r in records)


def test_verbose_to_a_file_has_timestamps(tmp_path):
    with serve_fault_site(articles=2, faults=["reset"]) as site:
        result = crawl(site, tmp_path / "c", "-v", "-s", "RETRY_TIMES=0")
    assert result.returncode == 0
    lines = [ln for ln in result.stderr.splitlines() if re.search(r"(INFO|WARNING|ERROR):", ln)]
    assert any("failed " + site.base_url + fault_path("reset") in ln for ln in lines)
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", ln) for ln in lines)
    assert "load it: python -c" in result.stdout
