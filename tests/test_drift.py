"""`sites check --live / --saved`: the monthly drift report, against the fixture web served on
127.0.0.1 (each test breaks its own copy of a site the way a CMS change would)."""
from __future__ import annotations

import json

from conftest import LOCAL, run_cli

SITES = ("demo-laocai", "demo-cantho", "demo-binhthuan")


def live(servers, *args, sites=SITES):
    bases = ",".join(f"{s}={servers[s].base_url}" for s in sites)
    return run_cli("sites", "check", *sites, "--live", "--base-url", bases, *LOCAL, *args)


def rows(result) -> dict[str, dict]:
    return {r["site"]: r for r in json.loads(result.stdout)}


def test_live_check_reports_every_site_and_saves_what_it_read(web, tmp_path):
    root, servers = web
    result = live(servers, "--save", tmp_path / "probes", "--json")
    assert result.returncode == 0, result.stderr
    found = rows(result)
    for site in SITES:
        assert found[site]["ok"] and found[site]["kept"], found[site]
        assert found[site]["links"] >= 5 and found[site]["words"] >= 80
        assert found[site]["title"] and found[site]["published_at"]
        # the article is named by its public URL, not the local server's
        assert found[site]["article_url"].startswith("https://") and ".demo.vnnews.test/" in \
            found[site]["article_url"]
        assert (tmp_path / "probes" / site / "article.html").stat().st_size > 1000
    again = run_cli("sites", "check", "--saved", tmp_path / "probes", "--json")
    assert again.returncode == 0, again.stderr
    assert rows(again) == found


def test_a_changed_cms_is_reported_as_drift_with_exit_2(web):
    root, servers = web
    # demo-cantho's home page loses its list; demo-laocai's articles lose their text
    (root / "demo-cantho" / "index.html").write_text(
        "<html><body><h1>Trang chủ</h1><p>Đang bảo trì.</p></body></html>", "utf-8")
    for page in (root / "demo-laocai").glob("*-post*.html"):
        page.write_text("<html><head><title>x</title></head><body><h1>Tin</h1>"
                        "<p>Nội dung đang cập nhật.</p></body></html>", "utf-8")
    result = live(servers)
    assert result.returncode == 2, result.stderr
    lines = result.stdout.splitlines()
    assert "demo-cantho" in result.stdout and "!! listing gives no article links" in result.stdout
    assert any(l.strip().startswith("!! article dropped") for l in lines), result.stdout
    assert lines[-1] == "1 of 3 sites fine, 2 drifted"


def test_a_site_whose_robots_txt_forbids_everything_is_drift(web):
    root, servers = web
    (root / "demo-binhthuan" / "robots.txt").write_text("User-agent: *\nDisallow: /\n", "utf-8")
    result = live(servers, "--json", sites=("demo-binhthuan",))
    assert result.returncode == 2
    report = rows(result)["demo-binhthuan"]
    assert report["problems"] == ["listing: robots.txt forbids it"]
    assert report["links"] == 0 and not report["kept"]


def test_user_errors_are_one_line():
    for args, message in (
            (("sites", "check"), "give --live or --saved DIR"),
            (("sites", "check", "--saved", "/nonexistent/probes"), "no such folder"),
            (("sites", "check", "demo-laocai", "--live", "--base-url", "nosuch=http://x/"),
             "not crawled"),
            (("sites", "check", "--page", "x.html"), "name exactly one site ID")):
        result = run_cli(*args)
        assert result.returncode != 0
        assert message in result.stderr and "Traceback" not in result.stderr, result.stderr
