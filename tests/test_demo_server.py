"""The fixture web: its local HTTP server (real sockets, stdlib clients) and the demo sites' data."""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
import unicodedata
from email.utils import formatdate
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import lxml.html
import pytest

from crawler.demo.server import WEB_ROOT, serve_site, serve_web

ROOT = Path(__file__).resolve().parents[1]

SITES_DIR = ROOT / "crawler" / "sites"
EXPECTED = json.loads((WEB_ROOT / "EXPECTED.json").read_text(encoding="utf-8"))
CONFIGURED = [site for site, info in EXPECTED.items() if info["configured"]]


def fetch(base_url: str, path: str, method: str = "GET", headers: dict | None = None):
    """One raw request (no redirect following): (status, headers, body)."""
    conn = http.client.HTTPConnection(urlsplit(base_url).netloc, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo_web():
    """The fixture web itself, read-only (conftest's `web` serves a private copy)."""
    with serve_web(WEB_ROOT) as servers:
        yield servers


@pytest.fixture()
def site(tmp_path):
    """A small throw-away site, so tests may add files while it is served."""
    (tmp_path / "index.html").write_text("<html><body>trang chủ</body></html>", encoding="utf-8")
    (tmp_path / "tin").mkdir()
    (tmp_path / "tin" / "bai-1.html").write_text("<p>bài 1</p>", encoding="utf-8")
    (tmp_path / "tin" / "index@page=2.html").write_text("<p>trang 2</p>", encoding="utf-8")
    (tmp_path / "_redirects.tsv").write_text(
        "# from\tto\tstatus\n/cu/bai-1.htm\t/tin/bai-1.html\t301\n/tam\t/tin/\t302\n", encoding="utf-8")
    (tmp_path / "_charsets.tsv").write_text("/cu/tcvn3.html\twindows-1252\n", encoding="utf-8")
    (tmp_path / "cu").mkdir()
    (tmp_path / "cu" / "tcvn3.html").write_bytes("<p>Hu\xb5n</p>".encode("latin-1"))
    (tmp_path / "robots.txt").write_text("User-agent: *\nSitemap: {{base_url}}/sitemap.xml\n", encoding="utf-8")
    with serve_site(tmp_path) as server:
        yield server


# --- the server ---------------------------------------------------------------------------------

def test_base_url_is_local_with_an_os_chosen_port(site):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", site.base_url)
    assert not site.base_url.endswith(":0")


def test_directory_serves_its_index(site):
    status, headers, body = fetch(site.base_url, "/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert "trang chủ" in body.decode("utf-8")


def test_missing_file_is_404_with_html_body(site):
    status, headers, body = fetch(site.base_url, "/khong-co.html")
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    assert b"404" in body


@pytest.mark.parametrize("path,location,code", [("/cu/bai-1.htm", "/tin/bai-1.html", 301), ("/tam", "/tin/", 302)])
def test_redirects_answer_status_and_location(site, path, location, code):
    status, headers, body = fetch(site.base_url, path)
    assert (status, headers["location"], body) == (code, location, b"")


def test_etag_answers_304_without_body(site):
    status, headers, _ = fetch(site.base_url, "/tin/bai-1.html")
    assert status == 200 and headers["etag"]
    status, headers2, body = fetch(site.base_url, "/tin/bai-1.html", headers={"If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")
    assert headers2["etag"] == headers["etag"]
    assert fetch(site.base_url, "/tin/bai-1.html", headers={"If-None-Match": '"other"'})[0] == 200


def test_last_modified_answers_304_and_changes_with_the_file(site):
    status, headers, _ = fetch(site.base_url, "/tin/bai-1.html")
    ims = {"If-Modified-Since": headers["last-modified"]}
    status, _, body = fetch(site.base_url, "/tin/bai-1.html", headers=ims)
    assert (status, body) == (304, b"")
    older = {"If-Modified-Since": formatdate(time.time() - 86400 * 365, usegmt=True)}
    assert fetch(site.base_url, "/tin/bai-1.html", headers=older)[0] == 200
    file = Path(site.root) / "tin" / "bai-1.html"
    file.write_text("<p>bài 1, sửa lại</p>", encoding="utf-8")
    os.utime(file, (time.time() + 60, time.time() + 60))  # mtime has one-second resolution
    status, headers2, body = fetch(site.base_url, "/tin/bai-1.html", headers=ims)
    assert status == 200 and "sửa lại" in body.decode()
    assert headers2["etag"] != headers["etag"]


def test_underscore_and_dot_files_are_never_served(site):
    for path in ("/_redirects.tsv", "/_charsets.tsv", "/tin/_nhap.html", "/../" + Path(site.root).name + "/index.html"):
        assert fetch(site.base_url, path)[0] == 404, path
    (Path(site.root) / "tin" / "_nhap.html").write_text("draft", encoding="utf-8")
    assert fetch(site.base_url, "/tin/_nhap.html")[0] == 404


def test_file_added_while_serving_is_served(site):
    assert fetch(site.base_url, "/tin/bai-2.html")[0] == 404
    (Path(site.root) / "tin" / "bai-2.html").write_text("<p>bài 2</p>", encoding="utf-8")
    status, _, body = fetch(site.base_url, "/tin/bai-2.html")
    assert status == 200 and "bài 2" in body.decode()


def test_query_selects_a_variant_file_or_is_ignored(site):
    assert "trang 2" in fetch(site.base_url, "/tin/?page=2")[2].decode()
    assert fetch(site.base_url, "/tin/bai-1.html?utm_source=zalo")[2] == fetch(site.base_url, "/tin/bai-1.html")[2]


def test_charset_override_for_legacy_pages(site):
    status, headers, body = fetch(site.base_url, "/cu/tcvn3.html")
    assert headers["content-type"] == "text/html; charset=windows-1252"
    assert body == "<p>Hu\xb5n</p>".encode("latin-1")


def test_base_url_placeholder_in_txt_xml_rss(site):
    body = fetch(site.base_url, "/robots.txt")[2].decode()
    assert f"Sitemap: {site.base_url}/sitemap.xml" in body


def test_head_has_headers_and_no_body(site):
    status, headers, body = fetch(site.base_url, "/tin/bai-1.html", method="HEAD")
    assert (status, body) == (200, b"")
    assert int(headers["content-length"]) > 0 and headers["etag"]


def test_requests_are_recorded_in_order_and_can_be_cleared(site):
    site.clear_requests()
    for path in ("/robots.txt", "/tin/?page=2", "/khong-co.html", "/cu/bai-1.htm"):
        fetch(site.base_url, path)
    assert site.requests == ["/robots.txt", "/tin/?page=2", "/khong-co.html", "/cu/bai-1.htm"]
    site.clear_requests()
    assert site.requests == []


def test_server_stops_on_exit(tmp_path):
    with serve_site(tmp_path) as server:
        base = server.base_url
    with pytest.raises(OSError):
        fetch(base, "/")


def test_cli_prints_one_line_per_site_and_stops_on_ctrl_c():
    proc = subprocess.Popen([sys.executable, "-m", "crawler.demo.server", str(WEB_ROOT)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline().strip() for _ in EXPECTED]
        assert [line.split(" -> ")[0] for line in lines] == sorted(EXPECTED)
        base = lines[0].split(" -> ")[1]
        assert fetch(base, "/")[0] == 200
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0


# --- the demo sites ---------------------------------------------------------------------------

def test_every_expected_site_is_served(demo_web):
    assert set(EXPECTED) <= set(demo_web)


@pytest.mark.parametrize("site_name", sorted(EXPECTED))
def test_expected_articles_answer_200_with_their_canonical(demo_web, site_name):
    server, info = demo_web[site_name], EXPECTED[site_name]
    assert len(info["articles"]) >= 4
    for path in info["articles"]:
        status, headers, body = fetch(server.base_url, path)
        assert status == 200, path
        canonical = lxml.html.fromstring(body).xpath("//link[@rel='canonical']/@href")
        assert canonical == [path]
    assert set(info["captions"]) == set(info["articles"]) == set(info["titles"]) == set(info["published"])


def test_binhthuan_special_urls(demo_web):
    server, special = demo_web["demo-binhthuan"], EXPECTED["demo-binhthuan"]["special"]
    assert fetch(server.base_url, special["missing_404"])[0] == 404
    for old, new in special["redirects"].items():
        status, headers, _ = fetch(server.base_url, old)
        assert (status, headers["location"]) == (301, new)
    page2 = fetch(server.base_url, "/chinh-tri/?page=2")[2].decode()
    assert all(path in page2 for path in special["listed_only_on_page_2"])
    nfd = fetch(server.base_url, special["nfd_article"])[2].decode()
    assert not unicodedata.is_normalized("NFC", nfd)


def test_cantho_same_article_under_other_urls(demo_web):
    server, special = demo_web["demo-cantho"], EXPECTED["demo-cantho"]["special"]
    for path, others in special["same_content_urls"].items():
        text = lxml.html.fromstring(fetch(server.base_url, path)[2]).cssselect("#content-detail")[0].text_content()
        for other in others:
            doc = lxml.html.fromstring(fetch(server.base_url, other)[2])
            assert doc.cssselect("#content-detail")[0].text_content() == text
    printed = lxml.html.fromstring(fetch(server.base_url, special["print_without_canonical"])[2])
    assert printed.xpath("//link[@rel='canonical']") == []


def test_laocai_feed_and_sitemap_point_at_the_serving_origin(demo_web):
    server, info = demo_web["demo-laocai"], EXPECTED["demo-laocai"]
    rss = fetch(server.base_url, "/rss/home.rss")
    assert rss[1]["content-type"] == "application/rss+xml"
    links = re.findall(r"<link>(.*?)</link>", rss[2].decode())
    assert links[1:] == [server.base_url + p for p in info["special"]["in_feed"]]
    sitemap = fetch(server.base_url, "/sitemap.xml")[2].decode()
    assert all(f"<loc>{server.base_url}{p}</loc>" in sitemap for p in info["articles"])
    assert re.search(r"<pubDate>\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0700</pubDate>", rss[2].decode())


# --- demo TOML rules against the fixture pages ---------------------------------------------------

SCHEMA_TOP = {"id", "name", "province", "province_before_2025", "region", "status", "successor", "domains",
              "start_urls", "feeds", "sitemaps", "verified", "page_class", "urls", "selectors", "text"}
SCHEMA = {
    "urls": {"article", "listing", "deny", "max_listing_pages"},
    "selectors": {"title", "lead", "body", "captions", "author", "date", "category", "tags", "drop",
                  "article_links", "next_page"},
    "text": {"boilerplate", "date_formats"},
}


def load_rules(site_name: str) -> dict:
    return tomllib.loads((SITES_DIR / f"{site_name}.toml").read_text(encoding="utf-8"))


def selectors(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def select(node, value):
    """Elements of the first selector that finds any (the registry's list semantics)."""
    for sel in selectors(value):
        found = node.cssselect(sel)
        if found:
            return found
    return []


def test_no_toml_for_the_generic_site():
    assert [s for s in EXPECTED if not (SITES_DIR / f"{s}.toml").exists()] == ["generic-news"]


@pytest.mark.parametrize("site_name", CONFIGURED)
def test_demo_toml_follows_the_schema(site_name):
    rules = load_rules(site_name)
    assert set(rules) <= SCHEMA_TOP
    assert {"id", "name", "domains", "start_urls", "verified", "urls", "selectors"} <= set(rules)
    for section, keys in SCHEMA.items():
        assert set(rules.get(section, {})) <= keys, section
    assert rules["id"] == site_name and re.fullmatch(r"[a-z0-9-]+", rules["id"])
    assert rules["status"] == "demo"
    assert rules["verified"] == f"fixture: crawler/demo/web/{site_name}"
    assert rules["domains"] == [EXPECTED[site_name]["domain"]]
    for url in rules["start_urls"] + rules.get("feeds", []) + rules.get("sitemaps", []):
        assert urlsplit(url).netloc == rules["domains"][0], url
    for pattern in sum((rules["urls"].get(k, []) for k in ("article", "listing", "deny")), []):
        re.compile(pattern)
    for key in ("title", "body"):
        assert rules["selectors"][key]


@pytest.mark.parametrize("site_name", CONFIGURED)
def test_demo_toml_discovers_the_fixture(demo_web, site_name):
    rules, info, server = load_rules(site_name), EXPECTED[site_name], demo_web[site_name]
    urls = rules["urls"]

    def matches(kind, path):
        return any(re.search(p, path) for p in urls.get(kind, []))
    for path in info["articles"]:
        assert matches("article", path) and not matches("deny", path), path
    for url in rules["start_urls"]:
        assert fetch(server.base_url, urlsplit(url).path)[0] == 200
    for key in ("feeds", "sitemaps"):
        assert [urlsplit(u).path for u in rules[key]] == info.get(key, [])
    robots = RobotFileParser()
    robots.parse(fetch(server.base_url, "/robots.txt")[2].decode().splitlines())
    for path in info["never_requested"]:
        assert matches("deny", path) or not robots.can_fetch("*", server.base_url + path), path


@pytest.mark.parametrize("site_name", CONFIGURED)
def test_demo_toml_selectors_extract_the_fixture(demo_web, site_name):
    rules, info, server = load_rules(site_name), EXPECTED[site_name], demo_web[site_name]
    sel = rules["selectors"]
    for path in info["articles"]:
        doc = lxml.html.fromstring(fetch(server.base_url, path)[2])
        assert select(doc, sel["title"])[0].text_content().strip() == info["titles"][path]
        body = select(doc, sel["body"])
        assert len(body) == 1, path
        assert select(doc, sel["lead"])[0].text_content().strip()
        date = select(doc, sel["date"])[0]
        assert date.get("datetime") or date.get("content") or date.text_content().strip()
        found = [unicodedata.normalize("NFC", c.text_content().strip()) for c in select(body[0], sel["captions"])]
        assert list(dict.fromkeys(found)) == info["captions"][path], path
