"""The rules behind the bounds, as pure functions: confinement, URL clean-up, traps,
Retry-After, the typed reason of a dropped request."""
from types import SimpleNamespace

import pytest
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import Response

from crawler.sites.registry import RegistryError, generic_site, get_site
from crawler.spiders.guards import OffsiteRedirect, drop_reason, retry_after
from crawler.spiders.origins import Confinement, check_start_url, parse_base_urls
from crawler.spiders.robots import RobotsUnavailable
from crawler.spiders.stopping import Stopped
from crawler.spiders.traps import QueryVariants, canonical_url, trap_reason


def test_registry_site_stays_on_its_domains_and_default_ports():
    site = get_site("demo-laocai")
    domain = site.domains[0]
    rule = Confinement({site.id: site}, {})
    for url in (f"https://{domain}/x", f"http://{domain}/x", f"https://www.{domain}/x",
                f"https://{domain}:443/x"):
        assert rule.allows(site.id, url), url
    for url in (f"https://{domain}:8443/x", f"https://evil.{domain}/x", "https://evil.vn/x",
                f"file://{domain}/etc/passwd", f"ftp://{domain}/x", f"https://{domain}:bad/x"):
        assert not rule.allows(site.id, url), url


def test_start_url_and_base_url_keep_their_port():
    generic = generic_site("http://127.0.0.1:8000/")
    laocai = get_site("demo-laocai")
    rule = Confinement({"generic": generic, laocai.id: laocai},
                       {laocai.id: "http://127.0.0.1:9000"})
    assert rule.allows("generic", "http://127.0.0.1:8000/a")
    assert not rule.allows("generic", "http://127.0.0.1:9000/a")
    assert not rule.allows("generic", "http://localhost:8000/a")
    assert rule.allows(laocai.id, "http://127.0.0.1:9000/a")
    assert not rule.allows(laocai.id, f"https://{laocai.domains[0]}/a")   # a name, not a host
    assert rule.allows(None, "http://127.0.0.1:9000/robots.txt")         # robots.txt: any site's
    assert not rule.allows(None, "http://127.0.0.1:9001/robots.txt")


@pytest.mark.parametrize("value", ["notaurl", "nosuch=http://a.vn", "file:///etc", "http://"])
def test_bad_base_urls(value):
    with pytest.raises(RegistryError):
        parse_base_urls(value, ["demo-laocai"])


def test_base_url_with_equals_sign_in_its_query():
    assert parse_base_urls("http://a.vn/m?x=1", ["s"]) == {"s": "http://a.vn/m?x=1"}


@pytest.mark.parametrize("url", ["notaurl", "file:///etc/passwd", "http://", "http://a.vn:0x/"])
def test_bad_start_urls(url):
    with pytest.raises(RegistryError):
        check_start_url(url)


@pytest.mark.parametrize("url, clean", [
    ("http://a.vn/tin/x-100001.html;jsessionid=AB12?sid=9&utm_source=zalo&fbclid=1#top",
     "http://a.vn/tin/x-100001.html"),
    ("http://a.vn/?page=2&PHPSESSID=1&gclid=x&tag=a&tag=b", "http://a.vn/?page=2&tag=a&tag=b"),
    ("http://a.vn/x.html#comments", "http://a.vn/x.html"),
    ("http://a.vn/news.aspx?id=12", "http://a.vn/news.aspx?id=12"),
])
def test_canonical_url_strips_tracking_and_sessions(url, clean):
    assert canonical_url(url) == clean


@pytest.mark.parametrize("url, depth, reason", [
    ("http://a.vn/tin/x-20250612.html", 2, None),
    ("http://a.vn/2025/06/12/bai-viet", 2, None),
    ("http://a.vn/?page=7", 2, None),
    ("http://a.vn/lich/2199-01-01/", 2, "calendar"),
    ("http://a.vn/lich/1890/01/01/", 2, "calendar"),
    ("http://a.vn/?page=9000", 2, "page number"),
    ("http://a.vn/trang-9000", 2, "page number"),
    ("http://a.vn/a/b/a/b/a/c.html", 2, "repeated path segments"),
    ("http://a.vn/" + "x/" * 20, 2, "too deep"),
    ("http://a.vn/x", 11, "link depth"),
])
def test_trap_shapes(url, depth, reason):
    found = trap_reason(url, depth, max_depth=10, max_page=500)
    assert (found is None) if reason is None else (reason in found), found


def test_query_variants_of_one_path_are_capped():
    variants = QueryVariants(limit=3)
    assert not any(variants.over(f"http://a.vn/x?r={i}") for i in range(3))
    assert variants.over("http://a.vn/x?r=99")
    assert not variants.over("http://a.vn/y?r=99") and not variants.over("http://a.vn/x")


def response(status, retry=None):
    headers = {"Retry-After": retry} if retry else {}
    return Response("http://a.vn/x", status=status, headers=headers)


def test_retry_after_seconds_and_dates():
    assert retry_after(response(429, "7")) == 7
    assert retry_after(response(503, "Wed, 21 Oct 2015 07:28:00 GMT")) == 0    # in the past
    assert retry_after(response(429)) is None and retry_after(response(500, "5")) is None
    assert retry_after(response(429, "soon")) is None


@pytest.mark.parametrize("exception, reason", [
    (OffsiteRedirect("x"), "offsite_redirect"),
    (RobotsUnavailable("x"), "robots_unavailable"),
    (Stopped("x"), "stopped"),
    (DownloadTimeoutError("x"), "timeout"),
    (DownloadCancelledError(""), "too_large"),
    (IgnoreRequest("max redirections reached"), "max_redirects"),
    (IgnoreRequest("Ignored response <200 x> because its body exceeded DOWNLOAD_MAXSIZE"),
     "too_large"),
    (ConnectionRefusedError(), None),
])
def test_every_dropped_request_has_one_typed_reason(exception, reason):
    assert drop_reason(exception) == reason


def test_an_http_error_is_a_failure_not_a_drop():
    error = IgnoreRequest("Ignoring non-200 response")
    error.response = SimpleNamespace(status=500)
    assert drop_reason(error) is None
