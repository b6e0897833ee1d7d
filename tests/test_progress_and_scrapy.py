"""Progress output, and the spider run the plain Scrapy way (`scrapy crawl news`)."""
import io
import json
import os
import subprocess
import sys

import pandas as pd

from conftest import LOCAL, ROOT, WEB, run_cli
from crawler.harvest.progress import Progress, progress_line


class FakeStats:
    def __init__(self, stats):
        self.stats = stats

    def get_stats(self):
        return self.stats


STATS = {"response_received_count": 30, "item_scraped_count": 12,
         "item_dropped_reasons_count/TooShort": 2, "item_dropped_reasons_count/DuplicateURL": 1}


def test_progress_line():
    assert progress_line(STATS, 60.0) == ("30 pages fetched, 12 articles kept, 3 dropped, "
                                          "0 errors, 30 pages/min")


def test_live_line_rewrites_itself_on_a_terminal(monkeypatch):
    screen = io.StringIO()
    monkeypatch.setattr(sys, "stderr", screen)
    Progress(FakeStats(STATS), interval=30, live=True).show()
    assert screen.getvalue().startswith("\r\033[K30 pages fetched")
    assert "\n" not in screen.getvalue()


def test_plain_log_lines_when_not_a_terminal(web, tmp_path):
    _, servers = web
    result = run_cli("crawl", "demo-laocai", "--out", tmp_path / "c", "--base-url",
                     servers["demo-laocai"].base_url, *LOCAL, "-v", "-s", "PROGRESS_INTERVAL=0.2",
                     "-s", "DOWNLOAD_DELAY=0.1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    assert result.returncode == 0, result.stderr
    assert "INFO: " in result.stderr and "pages fetched," in result.stderr
    assert "\r" not in result.stderr


def test_scrapy_crawl_news(web, tmp_path):
    _, servers = web
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = tmp_path / "scrapy"
    scrapy = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "site=demo-laocai",
              "-a", f"base_url={servers['demo-laocai'].base_url}", "-s", f"CORPUS_DIR={out}",
              *LOCAL]
    result = subprocess.run(scrapy, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "'finish_reason': 'finished'" in result.stderr
    expected = json.loads((WEB / "EXPECTED.json").read_text(encoding="utf-8"))
    assert len(pd.read_parquet(out)) == len(expected["demo-laocai"]["articles"])
