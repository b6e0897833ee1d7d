"""A hostile local web for the tests and `make soak` (stdlib only).

A FaultSite is one origin on 127.0.0.1 (port chosen by the OS) serving `articles` generated
Vietnamese articles (a home listing, a sitemap index) and, linked like articles, one page per
fault it is given:

==================  ====================================================================
fault               what the server does
==================  ====================================================================
huge                streams HTML without Content-Length until the client hangs up
huge_declared       declares 300 MB in Content-Length, then streams
gzip_bomb           64 MiB of HTML gzipped to ~64 KB (Content-Encoding: gzip)
trickle             one byte a second, forever
retry_429/503       429/503 with Retry-After: 1 on the first request, then the article
loop                redirects to itself
redirect_chain      redirects to ?n=1, ?n=2, ... without end
offsite             redirects to the `offsite` origin (another port)
offsite_host        redirects to the same port under the name "localhost"
file_redirect       redirects to file:///etc/passwd
binary              random bytes served as text/html
empty               200 with an empty body
js_shell            a page whose text is drawn by JavaScript
nul                 a good article with three NUL bytes in a paragraph (must be kept)
hostile_text        a good article holding script tags and SQL in its text (must be kept)
reset               half a body, then a TCP reset
truncated           a body shorter than its Content-Length
slow_parse          a good page; tests make the parser hang on it (VNNEWS_HANG_AT)
duplicate           article 0 again, under another URL (its canonical link names article 0)
==================  ====================================================================

`robots`: "allow" (Disallow: /rieng-tu/, whose one page the home links, and a Sitemap line),
"forbid" (Disallow: /), "error" (HTTP 500), "huge" (as "allow", then 57 MB of comments). `traps=True` adds session ids, tracking parameters
and ever-changing queries to every article link, endless pagination with ever-changing
queries, and calendar links far in the future.

The server counts what it was asked and what it sent: `hits` (path -> requests),
`bytes_sent` (path -> body bytes written), `served` (article numbers sent whole).
"""
from __future__ import annotations

import gzip
import random
import socket
import struct
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator
from urllib.parse import urlsplit

FAULTS = ("huge", "huge_declared", "gzip_bomb", "trickle", "retry_429", "retry_503", "loop",
          "redirect_chain", "offsite", "offsite_host", "file_redirect", "binary", "empty", "js_shell", "nul",
          "hostile_text", "reset", "truncated", "slow_parse", "duplicate")
GOOD_FAULTS = ("retry_429", "retry_503", "nul", "hostile_text", "slow_parse")  # articles
ARTICLE_ID, FAULT_ID = 100000, 900000
SITEMAP_CHUNK = 1000
HOME_LINKS = 40
PRIVATE_PATH = "/rieng-tu/bai-noi-bo-100999.html"    # robots.txt disallows /rieng-tu/

SYLLABLES = (
    "người dân xã huyện tỉnh thành phố công trình dự án nông dân mùa vụ lúa cà phê hồ tiêu "
    "thanh long trường học giáo viên học sinh bệnh viện bác sĩ y tế đường giao thông cầu "
    "cống kênh mương nước sạch điện lưới chợ phiên hợp tác xã doanh nghiệp sản xuất kinh "
    "doanh xuất khẩu du lịch lễ hội văn hóa truyền thống đồng bào dân tộc thiểu số vùng cao "
    "biên giới bộ đội quân sự công an an ninh trật tự phòng chống thiên tai lũ lụt hạn hán "
    "cháy rừng môi trường rác thải tái chế đầu tư xây dựng hoàn thành khánh thành khởi công "
    "triển khai kế hoạch chương trình mục tiêu quốc gia giảm nghèo bền vững nhà ở an sinh "
    "xã hội hỗ trợ vốn vay ngân hàng chính sách cán bộ đảng viên chi bộ hội nghị tổng kết "
    "năm tháng quý đạt vượt chỉ tiêu tăng trưởng thu nhập bình quân đầu người cải thiện "
    "đời sống tinh thần vật chất của bà con trên địa bàn cho biết theo ông bà anh chị"
).split()
FAULT_PAGE_BYTES = 300_000_000


def article_paragraphs(n: int) -> list[str]:
    """Five paragraphs of Vietnamese words, different for every n (and the same every time)."""
    rng = random.Random(n)
    return [" ".join(rng.choice(SYLLABLES) for _ in range(rng.randint(28, 40))).capitalize()
            + f" (tin số {n}, đoạn {k + 1})." for k in range(5)]


def article_title(n: int) -> str:
    rng = random.Random(n + 10**9)
    return f"Bản tin số {n}: " + " ".join(rng.choice(SYLLABLES) for _ in range(8))


def article_html(n: int, path: str, body_extra: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>\n" for p in article_paragraphs(n))
    day = 1 + n % 28
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{article_title(n)}</title>
<link rel="canonical" href="{path}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="2025-06-{day:02d}T08:00:00+07:00">
</head><body>
<header><nav><a href="/">Trang chủ</a></nav></header>
<main><article><h1>{article_title(n)}</h1>
<p class="meta"><time datetime="2025-06-{day:02d}T08:00:00+07:00">{day:02d}/06/2025</time></p>
{paragraphs}{body_extra}</article></main>
<footer>Bản quyền thuộc về báo thử nghiệm.</footer></body></html>"""


def article_path(n: int) -> str:
    return f"/tin/ban-tin-so-{n}-{ARTICLE_ID + n}.html"


def fault_path(name: str) -> str:
    return f"/su-co/{name.replace('_', '-')}-{FAULT_ID + FAULTS.index(name)}.html"


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    return gzip.compress(b"<p>" + b"a" * (64 * 2**20) + b"</p>", compresslevel=9)


class FaultSite(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, articles: int = 10, faults=(), robots: str = "allow",
                 offsite: str | None = None, traps: bool = False):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"
        self.articles, self.faults, self.robots = articles, tuple(faults), robots
        self.offsite, self.traps = offsite, traps
        self.hits: Counter[str] = Counter()
        self.bytes_sent: Counter[str] = Counter()
        self.served: set[int] = set()
        self.closing = threading.Event()
        self.lock = threading.Lock()

    def handle_error(self, request, client_address):
        """A client hanging up is what the faults provoke: no traceback for it."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    # -- what the site holds ----------------------------------------------------------
    def good_paths(self) -> list[str]:
        """Paths of every page that must end up in the corpus, exactly once."""
        return [article_path(n) for n in range(self.articles)] + \
            [fault_path(f) for f in self.faults if f in GOOD_FAULTS]

    def count(self, path: str, sent: int = 0, hit: bool = False) -> None:
        with self.lock:
            self.hits[path] += hit
            self.bytes_sent[path] += sent


class _Handler(BaseHTTPRequestHandler):
    server: FaultSite
    protocol_version = "HTTP/1.0"      # a body without Content-Length ends when we close

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        path = parts.path.split(";")[0]
        self.server.count(path, hit=True)
        try:
            self.route(path, parts.query)
        except (BrokenPipeError, ConnectionResetError):
            pass                                    # the crawler hung up: what we test

    def route(self, path: str, query: str) -> None:
        site = self.server
        if path == "/":
            return self.send(200, self.home(query))
        if path == "/robots.txt":
            return self.robots()
        if path == "/sitemap.xml":
            return self.send(200, self.sitemap_index(), "application/xml")
        if path.startswith("/sitemap-"):
            return self.send(200, self.sitemap(int(path[9:].split(".")[0])), "application/xml")
        if path.startswith("/lich/"):
            return self.send(200, self.listing([], [f"/lich/{int(path[6:10]) + 1}-01-01/"]))
        for n in range(site.articles):
            if path == article_path(n):
                return self.article(n, path)
        for name in site.faults:
            if path == fault_path(name):
                return getattr(self, f"fault_{name}")(path)
        self.send(404, "<html><body>404</body></html>")

    # -- writing ------------------------------------------------------------------------
    def send(self, status: int, body: str | bytes, ctype: str = "text/html; charset=utf-8",
             headers: dict | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.write(data)

    def write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()
        self.server.count(urlsplit(self.path).path.split(";")[0], sent=len(data))

    def stream(self, chunk: bytes, limit: int, pause: float = 0.0) -> None:
        sent = 0
        while sent < limit and not self.server.closing.is_set():
            self.write(chunk)
            sent += len(chunk)
            if pause:
                time.sleep(pause)

    def redirect(self, location: str) -> None:
        self.send(302, b"", headers={"Location": location})

    def article(self, n: int, path: str, extra: str = "", raw: bytes | None = None) -> None:
        self.send(200, raw if raw is not None else article_html(n, path, extra))
        self.server.served.add(n)

    # -- pages --------------------------------------------------------------------------
    def link(self, path: str) -> str:
        """Article links as a hostile CMS writes them when traps are on."""
        if not self.server.traps:
            return path
        token = random.getrandbits(48)
        return f"{path};jsessionid={token:x}?sid={token}&utm_source=zalo&r={token % 997}"

    def home(self, query: str) -> str:
        page = int(dict(p.partition("=")[::2] for p in query.split("&") if p).get("page", 1))
        site = self.server
        start = (page - 1) * HOME_LINKS
        paths = [article_path(n) for n in range(start, min(start + HOME_LINKS, site.articles))]
        if page == 1:
            paths += [fault_path(f) for f in site.faults] + [PRIVATE_PATH]
        nexts = [f"/?page={page + 1}&r={random.getrandbits(32)}"] if site.traps or \
            start + HOME_LINKS < site.articles else []
        if site.traps:
            nexts.append("/lich/2199-01-01/")
        return self.listing([self.link(p) for p in paths], nexts)

    @staticmethod
    def listing(paths: list[str], nexts: list[str]) -> str:
        items = "".join(f'<li><article><h3><a href="{p}">Tin {i}: bản tin trong ngày</a></h3>'
                        f"</article></li>" for i, p in enumerate(paths))
        pager = "".join(f'<a rel="next" href="{u}">Trang sau</a>' for u in nexts)
        return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Tin mới'
                f"</title></head><body><main><ul class=\"list\">{items}</ul>"
                f'<div class="pagination">{pager}</div></main></body></html>')

    def robots(self) -> None:
        mode, base = self.server.robots, self.server.base_url
        if mode == "error":
            return self.send(500, "server error", "text/plain")
        if mode == "forbid":
            return self.send(200, "User-agent: *\nDisallow: /\n", "text/plain")
        text = f"User-agent: *\nDisallow: /rieng-tu/\nSitemap: {base}/sitemap.xml\n".encode()
        if mode != "huge":
            return self.send(200, text, "text/plain")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.write(text)
        self.stream(b"# " + b"x" * 1022 + b"\n", 57 * 2**20)

    def sitemap_index(self) -> str:
        chunks = max(1, -(-self.server.articles // SITEMAP_CHUNK))
        items = "".join(f"<sitemap><loc>{self.server.base_url}/sitemap-{k}.xml</loc></sitemap>"
                        for k in range(chunks))
        return ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.'
                f'sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>')

    def sitemap(self, k: int) -> str:
        site = self.server
        numbers = range(k * SITEMAP_CHUNK, min((k + 1) * SITEMAP_CHUNK, site.articles))
        paths = [article_path(n) for n in numbers] + \
            ([fault_path(f) for f in site.faults] if k == 0 else [])
        items = "".join(f"<url><loc>{site.base_url}{self.link(p)}</loc></url>" for p in paths)
        return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
                f'schemas/sitemap/0.9">{items.replace("&", "&amp;")}</urlset>')

    # -- faults (one method per name in FAULTS) -----------------------------------------
    def fault_huge(self, path):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.write("<!DOCTYPE html><html><body><main><article><h1>Trang lớn</h1>".encode())
        self.stream(b"<p>" + b"to " * 20000 + b"</p>\n", FAULT_PAGE_BYTES)

    def fault_huge_declared(self, path):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(FAULT_PAGE_BYTES))
        self.end_headers()
        self.stream(b"<p>" + b"to " * 20000 + b"</p>\n", FAULT_PAGE_BYTES)

    def fault_gzip_bomb(self, path):
        self.send(200, gzip_bomb(), headers={"Content-Encoding": "gzip"})

    def fault_trickle(self, path):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.stream(b"<", 100000, pause=1.0)

    def fault_retry_429(self, path, status=429):
        if self.server.hits[path] == 1:
            return self.send(status, "chậm lại", headers={"Retry-After": "1"})
        self.article(FAULT_ID + FAULTS.index(f"retry_{status}"), path, extra="<p>Đã thử lại.</p>")

    def fault_retry_503(self, path):
        self.fault_retry_429(path, status=503)

    def fault_loop(self, path):
        self.redirect(path)

    def fault_redirect_chain(self, path):
        step = int(urlsplit(self.path).query.partition("n=")[2] or 0)
        self.redirect(f"{path}?n={step + 1}")

    def fault_offsite(self, path):
        self.redirect(f"{self.server.offsite}{article_path(0)}")

    def fault_offsite_host(self, path):
        self.redirect(f"http://localhost:{self.server.server_address[1]}{article_path(0)}")

    def fault_file_redirect(self, path):
        self.redirect("file:///etc/passwd")

    def fault_binary(self, path):
        self.send(200, random.Random(7).randbytes(20000))

    def fault_empty(self, path):
        self.send(200, b"")

    def fault_js_shell(self, path):
        self.send(200, '<!DOCTYPE html><html><head><title>Ứng dụng</title></head><body>'
                       '<div id="app"></div><script src="/app.js"></script></body></html>')

    def fault_nul(self, path):
        n = FAULT_ID + FAULTS.index("nul")
        html = article_html(n, path).replace("</p>", "\x00\x00\x00</p>", 1)
        self.article(n, path, raw=html.encode("utf-8"))

    def fault_hostile_text(self, path):
        extra = ("<p>Ông Robert'); DROP TABLE bai_viet;-- nói &lt;script&gt;alert(1)&lt;/script"
                 "&gt; là chuỗi thử nghiệm.</p><script>alert(document.cookie)</script>")
        self.article(FAULT_ID + FAULTS.index("hostile_text"), path, extra=extra)

    def fault_reset(self, path):
        self.send_response(200)
        self.send_header("Content-Length", "50000")
        self.end_headers()
        self.write(b"<html><body>" + b"a" * 1000)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def fault_truncated(self, path):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "20000")
        self.end_headers()
        self.write(article_html(FAULT_ID, path).encode("utf-8")[:3000])

    def fault_slow_parse(self, path):
        self.article(FAULT_ID + FAULTS.index("slow_parse"), path, extra="<p>Trang chậm.</p>")

    def fault_duplicate(self, path):
        self.send(200, article_html(0, article_path(0)))


@contextmanager
def serve_fault_site(**options) -> Iterator[FaultSite]:
    """One FaultSite for the duration of the block; trickling answers end when it closes."""
    site = FaultSite(**options)
    thread = threading.Thread(target=site.serve_forever, args=(0.05,), daemon=True,
                              name="faultweb")
    thread.start()
    try:
        yield site
    finally:
        site.closing.set()
        site.shutdown()
        site.server_close()
        thread.join(timeout=5)
