"""A crawl shared by two workers through a real redis-server: every article exactly once
across both outputs, nothing lost when one worker is killed, the harvest state shared across
runs, requests to one host spaced across workers."""
import json
import os
import re
import signal
import subprocess
import sys
import time

import pandas as pd
import redis

from conftest import LOCAL, ROOT, WEB, run_cli
from crawler.harvest.distributed import HostSpacing, SharedCrawl

EXPECTED = json.loads((WEB / "EXPECTED.json").read_text(encoding="utf-8"))
SITES = ["demo-laocai", "demo-binhthuan", "demo-cantho"]
# a polite pace shared by both workers, and a quick death verdict for the kill test
SHARED = ["-s", "REDIS_HOST_DELAY=0.3", "-s", "REDIS_HEARTBEAT=0.5", "-s", "REDIS_WORKER_TTL=3",
          "-s", "CORPUS_FLUSH_ROWS=2", "-s", "CONCURRENT_REQUESTS=2"]


def worker_args(servers, out, url):
    bases = ",".join(f"{s}={servers[s].base_url}" for s in SITES)
    return ["crawl", *SITES, "--out", out, "--base-url", bases, "--redis", url, *LOCAL, *SHARED]


def start(args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "crawler", *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def expected_urls():
    return {f"https://{EXPECTED[s]['domain']}{p}" for s in SITES for p in EXPECTED[s]["articles"]}


def rows(*outs):
    frames = [pd.read_parquet(out) for out in outs if list(out.rglob("*.parquet"))]
    return pd.concat(frames) if frames else pd.DataFrame(columns=["url"])


def article_requests(servers):
    return [p for s in SITES for p in servers[s].requests if p in EXPECTED[s]["articles"]]


def test_two_workers_share_the_crawl_and_then_the_harvest_state(web, tmp_path, redis_url):
    _, servers = web
    outs = [tmp_path / "w1", tmp_path / "w2"]
    workers = [start(worker_args(servers, out, redis_url)) for out in outs]
    for worker in workers:
        _, stderr = worker.communicate(timeout=300)
        assert worker.returncode == 0, stderr
    frame = rows(*outs)
    assert frame.url.is_unique and set(frame.url) == expected_urls()
    assert all(len(pd.read_parquet(out)) for out in outs)          # both did part of it
    assert sorted(article_requests(servers)) == sorted(set(article_requests(servers)))
    assert not redis.Redis.from_url(redis_url).keys("vnnews:run:*")  # the last one out cleaned up
    for server in servers.values():
        server.clear_requests()
    fresh = run_cli(*worker_args(servers, tmp_path / "w3", redis_url))   # a new machine
    assert fresh.returncode == 0, fresh.stderr
    added = re.findall(r"\+(\d+) new", fresh.stdout)
    assert article_requests(servers) == [] and added and set(added) == {"0"}, fresh.stdout


def test_a_killed_worker_loses_nothing(web, tmp_path, redis_url):
    _, servers = web
    outs = [tmp_path / "killed", tmp_path / "survivor"]
    doomed = start(worker_args(servers, outs[0], redis_url))
    survivor = start(worker_args(servers, outs[1], redis_url))
    deadline = time.monotonic() + 120
    while len(article_requests(servers)) < 8 and time.monotonic() < deadline:
        time.sleep(0.05)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    _, stderr = survivor.communicate(timeout=300)
    assert survivor.returncode == 0, stderr
    frame = rows(*outs)
    assert frame.url.is_unique, frame.url[frame.url.duplicated()].tolist()
    assert set(frame.url) == expected_urls()
    log = "".join(p.read_text("utf-8") for p in (outs[1] / "_logs").glob("*.log"))
    assert "put back" in log and "leased by a worker that stopped" in log


def test_requests_to_one_host_are_spaced_across_workers(redis_url):
    workers = [SharedCrawl(redis_url, beat=0.2, ttl=2), SharedCrawl(redis_url, beat=0.2, ttl=2)]
    assert workers[0].gen == workers[1].gen                     # the second joined the first
    spacers = [HostSpacing(w, delay=1.0) for w in workers]
    waits = [spacers[i % 2].reserve("baolaocai.vn") for i in range(6)]
    for k, wait in enumerate(waits):
        assert k - 0.2 < wait <= k, waits                         # slots 1 s apart, both workers
    assert spacers[0].reserve("other.vn") <= 0
    for worker in workers:
        worker.leave()
    later = SharedCrawl(redis_url)
    assert later.gen != workers[0].gen                          # nobody alive: a new crawl
    later.leave()


def test_an_unreachable_redis_is_one_line(web, tmp_path):
    _, servers = web
    result = run_cli(*worker_args(servers, tmp_path / "o", "redis://127.0.0.1:9/0"))
    assert result.returncode == 2           # a user error (README: exit codes)
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "no Redis server answers at redis://127.0.0.1:9/0" in result.stderr
    bad = run_cli(*worker_args(servers, tmp_path / "o", "http://x"))
    assert bad.returncode == 2 and "expected redis://" in bad.stderr
