"""Shared fixtures: the repo root, a copy of the fixture web served on 127.0.0.1, CLI runner."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "crawler" / "demo" / "web"
LOCAL = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
         "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "TOKENIZE_WORKERS=1"]


def run_cli(*args, timeout=300, env=None, cwd=ROOT, **kwargs) -> subprocess.CompletedProcess:
    """The real CLI in a child process, from the repo root (as a user runs it)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "crawler", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, env=env, **kwargs)


def load_eval_extraction():
    """scripts/eval_extraction.py as a module: the tests score exactly as `make eval` does."""
    if "eval_extraction" in sys.modules:
        return sys.modules["eval_extraction"]
    spec = importlib.util.spec_from_file_location("eval_extraction",
                                                  ROOT / "scripts" / "eval_extraction.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def load_script(name: str):
    """scripts/<name>.py as a module (the evaluation scripts import eval_extraction)."""
    load_eval_extraction()
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def real_pages_or_skip() -> Path:
    """The real-pages folder, or skip: it is outside the project and may be absent."""
    folder = load_eval_extraction().real_pages_dir()
    if folder is None:
        pytest.skip("real pages not found: set VNNEWS_REAL_PAGES to the folder holding "
                    "MANIFEST.tsv and gold/ (default ../shared/real-pages)")
    return folder


def publish(site_root: Path, name: str, html: str, label: str) -> None:
    """Add a page to a served fixture site and link it from its home page, as a newsroom would."""
    (site_root / name).write_text(html, encoding="utf-8")
    home = site_root / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace(
        "</body>", f'<a href="/{name}">{label}</a></body>'), encoding="utf-8")


@pytest.fixture
def web(tmp_path):
    """A private copy of the fixture web (tests may add pages), one server per site."""
    from crawler.demo.server import serve_web
    root = tmp_path / "web"
    shutil.copytree(WEB, root)
    with serve_web(root) as servers:
        yield root, servers


@pytest.fixture
def redis_url(tmp_path):
    """A real redis-server on a free loopback port, stopped after the test
    (scripts/ensure-redis.sh installs it; `make test` runs that first)."""
    import socket
    import time
    server = shutil.which("redis-server")
    assert server, "redis-server not found: run scripts/ensure-redis.sh (make test does)"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    child = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", str(tmp_path)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and child.poll() is None, "redis-server did not start"
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        child.terminate()
        child.wait(timeout=10)
