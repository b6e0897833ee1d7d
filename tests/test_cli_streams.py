"""`-` for standard input and output, and `runs --json`: the CLI inside shell pipelines."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT, WEB, run_cli

PAGE = WEB / "demo-laocai" / "bat-xat-dua-giong-lua-chat-luong-cao-vao-san-xuat-post40101.html"
URL = "https://laocai.demo.vnnews.test/bat-xat-dua-giong-lua-chat-luong-cao-vao-san-xuat-post40101.html"


def test_extract_and_tokenize_read_standard_input():
    from_file = run_cli("extract", PAGE, "--url", URL)
    from_stdin = run_cli("extract", "-", "--url", URL, input=PAGE.read_text("utf-8"))
    assert from_file.returncode == from_stdin.returncode == 0, from_stdin.stderr
    first, second = json.loads(from_file.stdout), json.loads(from_stdin.stdout)
    assert first["text"] == second["text"] and first["tokens"] == second["tokens"]
    tokens = run_cli("tokenize", "-", input="Hà Nội mùa thu đẹp lắm\n")
    assert tokens.returncode == 0 and tokens.stdout.strip() == "Hà_Nội mùa thu đẹp lắm"


def test_export_to_standard_output_and_runs_as_json(tmp_path, web):
    root, servers = web
    out = tmp_path / "c"
    crawl = run_cli("crawl", "demo-laocai", "--out", out, "--max-articles", "3",
                    "--base-url", servers["demo-laocai"].base_url,
                    "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")
    assert crawl.returncode == 0, crawl.stderr
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "corpus", "export", str(out), "--format", "jsonl",
                           "--out", "-", "--columns", "url,title"], capture_output=True,
                          text=True, env=env)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 3 and set(rows[0]) == {"url", "title"}
    assert "exported 3 articles to -" in done.stderr
    hf = subprocess.run([sys.executable, "-m", "corpus", "export", str(out), "--format", "hf",
                         "--out", "-"], capture_output=True, text=True, env=env)
    assert hf.returncode == 2 and "give --out FOLDER, not -" in hf.stderr
    runs = run_cli("runs", out, "--json")
    assert runs.returncode == 0
    listed = json.loads(runs.stdout)
    assert [r["status"] for r in listed] == ["finished"] and listed[0]["articles_new"] == 3


def test_corpus_export_into_a_closed_pipe_is_silent(tmp_path):
    """`python -m corpus export DIR --format jsonl --out - | head -1`: no error line."""
    from corpus.writer import CorpusWriter
    from test_corpus_readers import article
    writer = CorpusWriter(tmp_path / "c", "r1")
    for i in range(2000):
        writer.add(article(i))
    writer.flush()
    read_end, write_end = os.pipe()
    os.close(read_end)
    done = subprocess.run([sys.executable, "-m", "corpus", "export", str(tmp_path / "c"),
                           "--format", "jsonl", "--out", "-"], stdout=write_end,
                          stderr=subprocess.PIPE, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    os.close(write_end)
    assert done.stderr == "" and done.returncode == 141
