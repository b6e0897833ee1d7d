"""The CLI as users run it: help with an example on every command, one-line user errors."""
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli
from crawler.cli.main import COMMANDS, EXIT_PIPE


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_with_example(name):
    result = run_cli(name, "--help")
    assert result.returncode == 0
    assert "example:" in result.stdout and "python -m crawler" in result.stdout


def test_top_level_help_lists_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for name in COMMANDS:
        assert name in result.stdout


@pytest.mark.parametrize("args, message", [
    (["crawl", "no-such-site", "--out", "x"], "unknown site 'no-such-site'"),
    (["crawl", "--out", "x"], "name at least one SITE"),
    (["crawl", "demo-laocai", "--out", "x", "--since", "yesterday"], "not YYYY-MM-DD"),
    (["crawl", "demo-laocai", "--out", "x", "-s", "NOEQUALS"], "expected NAME=VALUE"),
    (["crawl", "demo-laocai", "--out", "x", "-s", "VNNEWS_SITE_BUDGET=lots"], "expected a number"),
    (["crawl", "demo-laocai", "--out", "x", "-s", "ROBOTSTXT_OBEY=maybe"], "expected true or false"),
    (["crawl", "demo-laocai", "--out", "x", "-s", "ARCHIVE_GZIP_LEVEL=12"], "between 0 and 9"),
    (["crawl", "demo-laocai"], "--out"),
    (["crawl", "demo-laocai", "--out", "x", "--base-url", "notaurl"], "not an http(s) URL"),
    (["crawl", "demo-laocai", "--out", "x", "--base-url", "nosuch=http://127.0.0.1:9"],
     "names 'nosuch', which is not crawled"),
    (["crawl", "--start-url", "notaurl", "--out", "x"], "not an http(s) URL"),
    (["crawl", "--start-url", "file:///etc/passwd", "--out", "x"], "not an http(s) URL"),
    (["crawl", "--start-url", "http://a.vn:99999/", "--out", "x"], "not an http(s) URL"),
    (["crawl", "demo-laocai", "--out", "x", "-q", "-v"], "not allowed with"),
    (["extract", "/no/such/file.html", "--url", "https://a.vn/x"], "cannot read"),
    (["bogus"], "invalid choice"),
])
def test_user_errors_exit_2_with_one_line_before_anything_is_fetched(args, message, tmp_path):
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x").exists()          # nothing created, nothing fetched


def test_unwritable_output_exits_1_with_one_line():
    result = run_cli("crawl", "demo-laocai", "--out", "/proc/forbidden")
    assert result.returncode == 1
    line, = result.stderr.strip().splitlines()
    assert "not writable" in line


def test_demo_while_another_demo_holds_the_lock_exits_75_with_one_line(tmp_path):
    from crawler.harvest.runlock import EXIT_LOCKED, RunLock
    out = tmp_path / "demo"
    with RunLock(out).acquire("another-demo"):
        result = run_cli("demo", "--out", out)
    assert result.returncode == EXIT_LOCKED
    line, = result.stderr.strip().splitlines()
    assert "another-demo" in line and "Traceback" not in result.stderr
    assert not (out / "_runs").exists()


def test_version():
    from crawler import __version__
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"vnnews {__version__}"


def test_closed_pipe_is_silent():
    """`vnnews sites | head -1`: the reader has gone; no BrokenPipeError traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    writer = subprocess.run([sys.executable, "-m", "crawler", "sites"], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=write_end,
                            stderr=subprocess.PIPE, text=True, timeout=120)
    os.close(write_end)
    assert writer.stderr == "" and writer.returncode == EXIT_PIPE


def test_sites_json():
    result = run_cli("sites", "--json")
    sites = json.loads(result.stdout)
    assert {"demo-laocai", "demo-binhthuan", "demo-cantho"} <= {s["id"] for s in sites}
    for site in sites:
        assert {"id", "name", "province", "domains", "status", "verified"} <= set(site)


def test_extract_no_article_reason(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title>Trang chủ</title></head><body><nav>Menu</nav></body></html>")
    result = run_cli("extract", page, "--url", "https://example.vn/")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("vnnews: error: not an article")


def test_tokenize_prints_what_the_corpus_stores(tmp_path):
    from pipelines.normalize import normalize_text
    from pipelines.tokenize import tokenize_text
    text = "Huyện ủy Tuy\u00a0Phong cho biết\nBộ Chính trị họp. Ông nói: “Tốt lắm.” Xong.\n"
    result = run_cli("tokenize", input=text)
    assert result.returncode == 0
    assert result.stdout.rstrip("\n") == tokenize_text(normalize_text(text))
    lines = result.stdout.splitlines()
    assert lines[0].endswith("Tuy_Phong cho biết") and lines[1] == "Bộ_Chính_trị họp ."
    assert lines[2].endswith("”")        # the closing quote stays with its sentence
    page = tmp_path / "in.txt"
    page.write_text(text, encoding="utf-8")
    assert run_cli("tokenize", page).stdout == result.stdout
