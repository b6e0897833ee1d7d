"""`sites` (filters, --json, --ids, add, check) and `links` as users run them."""
import json
import tomllib

import pytest

from conftest import WEB, run_cli

EXPECTED = json.loads((WEB / "EXPECTED.json").read_text("utf-8"))
CANTHO = EXPECTED["demo-cantho"]


def lines(result) -> list[str]:
    return result.stdout.splitlines()


def test_sites_json_keeps_its_keys_and_adds_the_merger_ones():
    sites = json.loads(run_cli("sites", "--json").stdout)
    for site in sites:
        assert {"id", "name", "province", "province_before_2025", "domains", "status",
                "successor", "verified"} <= set(site)
    merged = [s for s in sites if s["status"] == "merged"]
    assert len(merged) == 29 and all(s["successor"] for s in merged)


def test_filters_and_ids():
    active = lines(run_cli("sites", "--status", "active", "--ids"))
    assert "baolaocai" in active and "baoyenbai" not in active and "vnexpress" in active
    merged = lines(run_cli("sites", "--status", "merged", "--ids"))
    assert len(merged) == 29 and "baoyenbai" in merged
    assert lines(run_cli("sites", "--province", "Yên Bái", "--ids")) == ["baoyenbai"]
    lao_cai = lines(run_cli("sites", "--province", "lào cai", "--status", "active", "--ids"))
    assert lao_cai == ["baolaocai"]
    listed = json.loads(run_cli("sites", "--region", "tây nguyên", "--json").stdout)
    highlands = [s for s in listed if s["status"] != "demo"]
    assert {s["province"] for s in highlands} == {"Gia Lai", "Đắk Lắk", "Lâm Đồng"}
    assert len(highlands) == 7       # and the four papers merged into them
    table = run_cli("sites", "--status", "merged").stdout
    assert "merged -> baolaocai" in table


@pytest.mark.parametrize("args, message", [
    (["sites", "--province", "Atlantis"], "no registered site matches"),
    (["sites", "--status", "gone"], "invalid choice"),
    (["sites", "add", "baolaocai.vn", "--page", "x.html"], "not an http(s) URL"),
    (["sites", "add", "https://a.vn/", "--page", "/no/such.html"], "cannot read"),
    (["sites", "check", "no-such-site", "--page", "x.html"], "unknown site"),
    (["links", "/no/such.html", "--url", "https://a.vn/"], "cannot read"),
    (["links", str(WEB / "generic-news" / "index.html"), "--url", "a.vn"], "not an absolute URL"),
])
def test_user_errors_exit_2_with_one_line(args, message):
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_sites_add_prints_a_toml_that_loads():
    pages = [f"{WEB / 'demo-cantho' / p.lstrip('/')}=https://{CANTHO['domain']}{p}"
             for p in CANTHO["articles"][:3]]
    result = run_cli("sites", "add", f"https://{CANTHO['domain']}/", "--page", *pages,
                     "--id", "baocantho-test", "--name", "Báo Cần Thơ")
    assert result.returncode == 0, result.stderr
    data = tomllib.loads(result.stdout)
    assert data["id"] == "baocantho-test" and data["name"] == "Báo Cần Thơ"
    assert data["selectors"]["body"] == "div#content-detail"
    assert data["urls"]["article"] == [r"-\d{6,}\.html$"]


def test_sites_add_with_one_page_says_so():
    page = WEB / "demo-cantho" / CANTHO["articles"][0].lstrip("/")
    result = run_cli("sites", "add", f"https://{CANTHO['domain']}/", "--page", page)
    assert result.returncode == 0 and "one page only" in result.stderr


def test_sites_check_shows_fields_and_flags_what_does_not_fit():
    path = CANTHO["articles"][0]
    page, url = WEB / "demo-cantho" / path.lstrip("/"), f"https://{CANTHO['domain']}{path}"
    fits = run_cli("sites", "check", "demo-cantho", "--page", page, "--url", url)
    assert fits.returncode == 0, fits.stdout
    assert lines(fits)[0].split() == ["url", url]
    assert lines(fits)[1].split(None, 1) == ["title", CANTHO["titles"][path]]
    assert "!!" not in fits.stdout
    misfit = run_cli("sites", "check", "demo-laocai", "--page", page,
                     "--url", "https://laocai.demo.vnnews.test/bai-khac-post40999.html")
    assert misfit.returncode == 1 and "!! selectors.body matched nothing" in misfit.stdout
    elsewhere = run_cli("sites", "check", "demo-laocai", "--page", page)
    assert elsewhere.returncode == 1 and "!! does not match urls.article" in elsewhere.stdout
    by_canonical = run_cli("sites", "check", "demo-cantho", "--page", page)
    assert by_canonical.returncode == 0, by_canonical.stdout


def test_links_rule_free_and_with_rules():
    home = WEB / "rulefree-news" / "index.html"
    result = run_cli("links", home, "--url", "https://tinvungcao.vn/", "--main")
    assert result.returncode == 0, result.stderr
    assert lines(result) == ["https://tinvungcao.vn/thoi-su/xa-vung-cao-hoan-thanh-duong-be-tong-"
                             "den-ban-xa-nhat-post5101.html",
                             "https://tinvungcao.vn/kinh-te/hop-tac-xa-mien-dong-vao-mua-thu-"
                             "hoach-post5102.html"]
    # without --main: the "Đọc nhiều" box's other story after the main list (robots.txt
    # keeps the crawl off it), never the tag strip's or the video section's links
    asked = lines(run_cli("links", home, "--url", "https://tinvungcao.vn/"))
    assert asked == lines(result) + ["https://tinvungcao.vn/noi-bo/lich-hop-ban-bien-tap-"
                                     "thang-6-post5199.html"]
    everything = lines(run_cli("links", home, "--url", "https://tinvungcao.vn/", "--all"))
    assert everything[:3] == asked
    assert "listing\thttps://tinvungcao.vn/thoi-su/" in everything
    assert "feed\thttps://tinvungcao.vn/tin-moi.rss" in everything
    ruled = lines(run_cli("links", WEB / "demo-cantho" / "index.html", "--url",
                          f"https://{CANTHO['domain']}/", "--site", "demo-cantho"))
    assert all("/tag/" not in u for u in ruled) and len(ruled) >= len(CANTHO["articles"])
