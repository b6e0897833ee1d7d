"""A real local HTTP server for the fixture web (stdlib only).

Each site directory is served on its own origin (127.0.0.1, port chosen by the OS) so that
robots.txt sits at its root. Files are re-read on every request: a test may add files while
the server runs. Conventions inside a site directory:

- a directory path serves its ``index.html``;
- a query string selects a sibling file named ``<stem>@<query><suffix>`` when one exists
  (``/chinh-tri/?page=2`` -> ``chinh-tri/index@page=2.html``), else the query is ignored,
  as most CMSs do with unknown parameters (``?utm_source=zalo``);
- ``_redirects.tsv``: ``from_path<TAB>to_path<TAB>status`` lines (301/302);
- ``_charsets.tsv``: ``path<TAB>charset`` lines for legacy-encoded pages;
- files and directories whose name starts with ``_`` or ``.`` are never served;
- in .xml/.rss/.txt files the literal ``{{base_url}}`` becomes the site's origin: sitemaps,
  feeds and robots.txt ``Sitemap:`` lines need absolute URLs, HTML pages use root-relative links.

``web/EXPECTED.json`` (one key per site directory) says what a crawl of each site must produce:
``articles`` (canonical paths, each exactly once in the corpus), ``titles``, ``published``,
``captions`` (per article, each once, never in ``text``), ``never_requested`` (robots-disallowed or
denied paths), ``no_row`` (URLs that must not become a row: 404, redirect sources, video page,
duplicates), ``forbidden_in_text`` (substrings), ``forbidden_lines`` (whole lines) and ``special``.

Run ``python -m crawler.demo.server [WEB_ROOT]`` to serve every site until Ctrl-C.
"""
from __future__ import annotations

import hashlib
import sys
import threading
from contextlib import ExitStack, contextmanager
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit

WEB_ROOT = Path(__file__).with_name("web")

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
TEMPLATED = {".xml", ".rss", ".txt"}
NOT_FOUND = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404</title></head>" \
            "<body><h1>404 - Không tìm thấy trang</h1></body></html>".encode("utf-8")


def _read_tsv(path: Path) -> list[list[str]]:
    """Rows of a tab-separated file, skipping blank and # comment lines; [] when absent."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.split("\t") for ln in lines if ln.strip() and not ln.startswith("#")]


class SiteServer(ThreadingHTTPServer):
    """One site on one origin; records the path (with query) of every request it receives."""

    daemon_threads = True

    def __init__(self, root: Path):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = Path(root).resolve()
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"
        self._requests: list[str] = []
        self._lock = threading.Lock()

    @property
    def requests(self) -> list[str]:
        """A snapshot of the request paths so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def _record(self, path: str) -> None:
        with self._lock:
            self._requests.append(path)

    def resolve(self, path: str, query: str) -> Path | None:
        """The file answering ``path?query``, or None (missing, hidden or outside the root)."""
        rel = unquote(path).lstrip("/")
        parts = [p for p in rel.split("/") if p]
        if any(p.startswith(("_", ".")) for p in parts):
            return None
        target = (self.root / rel).resolve()
        if target != self.root and self.root not in target.parents:
            return None  # ../ escapes
        if target.is_dir():
            target = target / "index.html"
        if query:
            variant = target.with_name(f"{target.stem}@{unquote(query).replace('/', '_')}{target.suffix}")
            if variant.is_file():
                return variant
        return target if target.is_file() else None

    def redirect_for(self, path: str, query: str) -> tuple[str, int] | None:
        full = f"{path}?{query}" if query else path
        for row in _read_tsv(self.root / "_redirects.tsv"):
            if row[0] in (full, path):
                return row[1], int(row[2]) if len(row) > 2 else 301
        return None

    def charset_for(self, file: Path) -> str | None:
        rel = "/" + file.relative_to(self.root).as_posix()
        for row in _read_tsv(self.root / "_charsets.tsv"):
            if row[0] == rel or (row[0].endswith("/") and rel == row[0] + "index.html"):
                return row[1]
        return None


class _Handler(BaseHTTPRequestHandler):
    server: SiteServer
    server_version = "vnnews-demo/1.0"

    def log_message(self, format, *args):  # noqa: A002 - quiet: no line per request on stderr
        pass

    def do_HEAD(self):
        self._answer(head=True)

    def do_GET(self):
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        self.server._record(self.path)
        url = urlsplit(self.path)
        redirect = self.server.redirect_for(url.path, url.query)
        if redirect:
            self.send_response(redirect[1])
            self.send_header("Location", redirect[0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        file = self.server.resolve(url.path, url.query)
        if file is None:
            return self._send(404, NOT_FOUND, "text/html; charset=utf-8", head)
        body = file.read_bytes()
        if file.suffix in TEMPLATED:
            body = body.replace(b"{{base_url}}", self.server.base_url.encode())
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:20]
        mtime = int(file.stat().st_mtime)
        headers = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}
        if self._not_modified(etag, mtime):
            return self._send(304, b"", None, True, headers)
        ctype = CONTENT_TYPES.get(file.suffix.lower(), "application/octet-stream")
        charset = self.server.charset_for(file)
        if charset:
            ctype = ctype.split(";")[0] + f"; charset={charset}"
        self._send(200, body, ctype, head, headers)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
            tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
            return "*" in tags or etag in tags
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                return mtime <= parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, status, body, ctype, head, headers=None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if ctype:
            self.send_header("Content-Type", ctype)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


@contextmanager
def serve_site(root: Path) -> Iterator[SiteServer]:
    """Serve one site directory on a fresh 127.0.0.1 port for the duration of the block."""
    server = SiteServer(root)
    # a short poll interval makes shutdown() quick: tests start and stop many servers
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name=f"demo:{Path(root).name}",
                              daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def serve_web(web_root: Path = WEB_ROOT) -> Iterator[dict[str, SiteServer]]:
    """Serve every site directory of ``web_root``, each on its own origin: {site: server}."""
    with ExitStack() as stack:
        yield {
            d.name: stack.enter_context(serve_site(d))
            for d in sorted(Path(web_root).iterdir())
            if d.is_dir() and not d.name.startswith(("_", "."))
        }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print("usage: python -m crawler.demo.server [WEB_ROOT]\n"
              "Serve every site directory of WEB_ROOT (default: crawler/demo/web) on 127.0.0.1.\n"
              "example: python -m crawler.demo.server crawler/demo/web")
        return 0
    root = Path(args[0]) if args else WEB_ROOT
    if not root.is_dir():
        print(f"error: {root}: not a directory", file=sys.stderr)
        return 1
    with serve_web(root) as servers:
        for name, server in servers.items():
            print(f"{name} -> {server.base_url}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
