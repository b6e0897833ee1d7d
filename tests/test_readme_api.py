"""The README's Python API section, run as written: its blocks in order, in a fresh
directory (the crawl example writes my-corpus/ there), and its ITEM_PIPELINES snippet
inside a Scrapy project that is not ours (its own spider yielding plain dicts)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def api_blocks() -> list[str]:
    section = README.split("## Python API", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def run_python(code: str, cwd, timeout=300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=timeout)


def test_readme_api_examples_run(tmp_path):
    blocks = [b for b in api_blocks() if "ITEM_PIPELINES" not in b]
    assert len(blocks) == 3
    done = run_python("\n".join(blocks), tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Bát Xát") or "site-rules" in lines[0], lines
    assert re.match(r"\d{3,} \S", lines[1]), lines           # n_words, then the first tokens
    assert lines[2].startswith("no article:")
    assert lines[3].startswith("finished 0 5"), lines          # status, exit code, 5 new
    assert lines[4] == "5 (5, 4)", lines
    assert (tmp_path / "my-corpus" / "demo-laocai").is_dir()


SPIDER = '''
import scrapy

class Pages(scrapy.Spider):
    name = "pages"

    def __init__(self, base="", **kwargs):
        super().__init__(**kwargs)
        self.base = base

    async def start(self):
        for path in PATHS:
            yield scrapy.Request(self.base + path)

    def parse(self, response):
        paragraphs = response.css("div.article__body p::text, .article__sapo::text").getall()
        yield {"url": response.url, "title": response.css("h1::text").get(),
               "text": "\\n".join(p.strip() for p in paragraphs) + "\\nCác tin khác"}
        yield {"url": response.url + "?copy", "title": "copy",
               "text": "\\n".join(p.strip() for p in paragraphs)}      # same text: a duplicate
        yield {"url": response.url + "?short", "title": "short", "text": "Tin ngắn."}
'''


def test_pipelines_in_a_foreign_scrapy_project(tmp_path, web):
    root, servers = web
    snippet = next(b for b in api_blocks() if "ITEM_PIPELINES" in b)
    project = tmp_path / "theirs"
    (project / "theirs" / "spiders").mkdir(parents=True)
    (project / "scrapy.cfg").write_text("[settings]\ndefault = theirs.settings\n")
    (project / "theirs" / "__init__.py").write_text("")
    (project / "theirs" / "settings.py").write_text(
        'BOT_NAME = "theirs"\nSPIDER_MODULES = ["theirs.spiders"]\nROBOTSTXT_OBEY = False\n'
        + snippet)
    pages = sorted(p.name for p in (root / "demo-laocai").glob("*-post*.html"))[:3]
    (project / "theirs" / "spiders" / "__init__.py").write_text("")
    (project / "theirs" / "spiders" / "pages.py").write_text(
        f"PATHS = {['/' + p for p in pages]!r}\n" + SPIDER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "pages", "-a",
                           f"base={servers['demo-laocai'].base_url}", "-O", "out.jsonl"],
                          cwd=project, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    items = [json.loads(line) for line in (project / "out.jsonl").read_text("utf-8").splitlines()]
    assert len(items) == 3, [i["url"] for i in items]          # copies and short items dropped
    stats = done.stderr
    assert "item_dropped_reasons_count/DuplicateContent': 3" in stats
    assert "item_dropped_reasons_count/TooShort': 3" in stats
    for item in items:
        assert "Các tin khác" not in item["text"]              # boilerplate gone
        assert item["n_words"] > 80 and "_" in item["tokens"] and item["lang"] == "vi"
        assert item["content_hash"] and item["site"] == "127.0.0.1"
