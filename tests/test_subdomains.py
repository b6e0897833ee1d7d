"""A paper's subdomains are its pages (crawler/sites/domains.py): the crawl's confinement
covers them, they share the paper's politeness, and nothing else gets in with them."""
import asyncio
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
from scrapy import Request

from conftest import LOCAL, ROOT, run_cli
from crawler.demo.faultweb import article_html, article_path
from crawler.harvest.distributed import HostSpacing
from crawler.sites.domains import covers, owner_key, registrable_domain
from crawler.sites.registry import Site, generic_site, get_site, site_for_url
from crawler.spiders.guards import OwnerSlotMiddleware, _host
from crawler.spiders.origins import Confinement


# -- which hosts a domain covers -----------------------------------------------------------
def test_a_domain_covers_its_subdomains_and_no_look_alike():
    assert registrable_domain("petrovietnam.petrotimes.vn") == "petrotimes.vn"
    assert registrable_domain("www.baoquangninh.com.vn") == "baoquangninh.com.vn"
    for host in ("petrotimes.vn", "www.petrotimes.vn", "petrovietnam.petrotimes.vn",
                 "a.b.petrotimes.vn", "PetroVietnam.PetroTimes.vn"):
        assert covers("petrotimes.vn", host), host
        assert covers("www.petrotimes.vn", host), host
    for host in ("evilpetrotimes.vn", "petrotimes.vn.evil.vn", "times.vn", "vn"):
        assert not covers("petrotimes.vn", host), host


def test_names_without_a_registrable_domain_cover_only_themselves():
    # public suffixes (the subdomains of gov.vn are other owners), a hosting service's
    # blogs (the list's private part), addresses, local and test names
    for domain, other in (("gov.vn", "thanhhoa.gov.vn"), ("blogspot.com", "a.blogspot.com"),
                          ("127.0.0.1", "x.127.0.0.1"), ("localhost", "a.localhost"),
                          ("laocai.demo.vnnews.test", "evil.laocai.demo.vnnews.test")):
        assert registrable_domain(domain) is None, domain
        assert covers(domain, domain) and not covers(domain, other), domain
    assert registrable_domain("a.blogspot.com") == "a.blogspot.com"
    assert not covers("a.blogspot.com", "b.blogspot.com")


def test_owner_key_groups_a_paper_and_keeps_a_local_origin_with_its_port():
    assert owner_key("https://thethao.tuoitre.vn/a") == owner_key("http://www.tuoitre.vn/b") \
        == "tuoitre.vn"
    assert owner_key("http://127.0.0.1:8000/a") == "127.0.0.1:8000"
    assert owner_key("http://127.0.0.1:8000/a") != owner_key("http://127.0.0.1:9000/a")


# -- confinement ---------------------------------------------------------------------------
def test_a_registry_site_may_fetch_its_subdomains_on_default_ports_only():
    site = get_site("dantri")
    rule = Confinement({site.id: site}, {})
    for url in ("https://dantri.com.vn/a", "https://www.dantri.com.vn/a",
                "https://dulich.dantri.com.vn/a", "http://dulich.dantri.com.vn:80/a"):
        assert rule.allows(site.id, url), url
    for url in ("https://dulich.dantri.com.vn:8443/a", "https://evildantri.com.vn/a",
                "https://dantri.com.vn.evil.vn/a", "https://com.vn/a", "ftp://dulich.dantri.com.vn/a"):
        assert not rule.allows(site.id, url), url


def test_a_start_url_covers_its_subdomains_on_its_port_and_a_base_url_only_itself():
    generic = generic_site("https://www.petrotimes.vn/")
    laocai = get_site("demo-laocai")
    rule = Confinement({"generic": generic, laocai.id: laocai},
                       {laocai.id: "http://mirror.example.com:9000"})
    assert rule.allows("generic", "https://petrovietnam.petrotimes.vn/a")
    assert not rule.allows("generic", "http://petrovietnam.petrotimes.vn/a")    # port 80
    assert rule.allows(laocai.id, "http://mirror.example.com:9000/a")
    assert not rule.allows(laocai.id, "http://www.mirror.example.com:9000/a")
    assert not rule.allows(laocai.id, "http://x.mirror.example.com:9000/a")


def test_the_most_specific_registry_domain_names_the_site(tmp_path):
    for site_id, domain in (("paper", "paper.vn"), ("edition", "edition.paper.vn")):
        (tmp_path / f"{site_id}.toml").write_text(
            f'id = "{site_id}"\nname = "{site_id}"\ndomains = ["{domain}"]\n'
            f'start_urls = ["https://{domain}/"]\n', encoding="utf-8")
    assert site_for_url("https://sport.paper.vn/a", tmp_path).id == "paper"
    assert site_for_url("https://edition.paper.vn/a", tmp_path).id == "edition"
    assert site_for_url("https://www.news.edition.paper.vn/a", tmp_path).id == "edition"
    assert site_for_url("https://otherpaper.vn/a", tmp_path) is None


def test_a_mirror_stands_in_for_the_site_domain_not_for_its_subdomains():
    site = Site(id="p", name="p", domains=("paper.vn",))
    assert site.owns("https://sport.paper.vn/a") and site.names_host("https://www.paper.vn/a")
    assert not site.names_host("https://sport.paper.vn/a")


# -- politeness ----------------------------------------------------------------------------
def test_a_paper_and_its_subdomains_share_one_download_slot():
    slots = OwnerSlotMiddleware()
    requests = [Request(u) for u in ("https://tuoitre.vn/a", "https://thethao.tuoitre.vn/b",
                                     "https://www.tuoitre.vn/c", "http://127.0.0.1:8000/d")]
    for request in requests:
        slots.process_request(request)
    assert {r.meta.get("download_slot") for r in requests[:3]} == {"tuoitre.vn"}
    assert "download_slot" not in requests[3].meta          # Scrapy's own slot: its host


def test_retry_after_from_a_subdomain_holds_the_whole_paper():
    # RetryAfterMiddleware keys its waits by _host
    assert _host(Request("https://thethao.tuoitre.vn/a")) == _host(Request("https://tuoitre.vn/b"))
    assert _host(Request("http://127.0.0.1:8000/")) != _host(Request("http://127.0.0.1:9000/"))


def test_redis_spacing_is_by_owner(monkeypatch):
    reserved = []
    spacing = HostSpacing.__new__(HostSpacing)
    monkeypatch.setattr(spacing, "reserve", lambda key: reserved.append(key) or 0.0,
                        raising=False)
    for url in ("https://thethao.tuoitre.vn/a", "https://tuoitre.vn/b"):
        asyncio.run(spacing.process_request(Request(url)))
    assert reserved == ["tuoitre.vn", "tuoitre.vn"]


# -- a crawl across a site's subdomains, against a local server ------------------------------
class _PaperHandler(BaseHTTPRequestHandler):
    """One server for www.example.com, sport.example.com and example.org (all resolve to
    127.0.0.1 in the crawl, tests/loopback_resolver.py): the home page links an article on
    each; `seen` records (Host, path) of every request."""

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - http.server's interface
        host = self.headers.get("Host", "").split(":")[0]
        self.server.seen.append((host, self.path))
        port = self.server.server_address[1]
        if self.path == "/robots.txt":
            return self._send("User-agent: *\nAllow: /\n", "text/plain")
        if self.path == "/":
            links = [f"http://www.example.com:{port}{article_path(0)}",
                     f"http://sport.example.com:{port}{article_path(1)}",
                     f"http://example.org:{port}{article_path(2)}"]
            items = "".join(f'<li><h3><a href="{u}">Tin {i}: bản tin trong ngày hôm nay</a>'
                            f"</h3></li>" for i, u in enumerate(links))
            return self._send(f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
                              f"<title>Tin mới</title></head><body><main><ul>{items}</ul>"
                              f"</main></body></html>")
        n = next((n for n in range(3) if self.path == article_path(n)), None)
        if n is None:
            return self._send("not found", "text/plain", 404)
        return self._send(article_html(n, f"http://{host}:{port}{self.path}"))

    def _send(self, body: str, ctype: str = "text/html; charset=utf-8", status: int = 200):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def _paper_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PaperHandler)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_a_crawl_follows_the_paper_onto_its_subdomain_and_nowhere_else(tmp_path):
    with _paper_server() as server:
        port = server.server_address[1]
        result = run_cli("crawl", "--start-url", f"http://www.example.com:{port}/",
                         "--out", tmp_path / "c", *LOCAL,
                         "-s", "TWISTED_DNS_RESOLVER=loopback_resolver.LoopbackResolver",
                         env={"PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}"})
        assert result.returncode == 0, result.stderr
    urls = sorted(pd.read_parquet(tmp_path / "c").url)
    assert urls == [f"http://sport.example.com:{port}{article_path(1)}",
                    f"http://www.example.com:{port}{article_path(0)}"]
    assert ("sport.example.com", article_path(1)) in server.seen
    assert not [hit for hit in server.seen if hit[0] == "example.org"]
