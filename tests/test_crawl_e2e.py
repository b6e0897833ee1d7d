"""End to end: the real CLI in a child process against the fixture web on 127.0.0.1."""
import json
import re

import pandas as pd
import pytest

from conftest import LOCAL, WEB, publish, run_cli

EXPECTED = json.loads((WEB / "EXPECTED.json").read_text(encoding="utf-8"))
DEMO_SITES = ["demo-binhthuan", "demo-laocai", "demo-cantho"]


def bases(servers, sites=DEMO_SITES):
    return ",".join(f"{s}={servers[s].base_url}" for s in sites)


def crawl(servers, out, *extra, sites=DEMO_SITES):
    result = run_cli("crawl", *sites, "--out", out, "--base-url", bases(servers, sites), *LOCAL, *extra)
    return result


def public(site, path):
    return f"https://{EXPECTED[site]['domain']}{path}"


@pytest.fixture
def first_crawl(web, tmp_path):
    root, servers = web
    out = tmp_path / "corpus"
    result = crawl(servers, out, "-v")
    assert result.returncode == 0, result.stderr + result.stdout
    return root, servers, out, result


def test_every_article_once_and_clean(first_crawl):
    _, servers, out, result = first_crawl
    frame = pd.read_parquet(out)
    assert frame.url.is_unique and frame.content_hash.is_unique
    for site in DEMO_SITES:
        expected = EXPECTED[site]
        rows = frame[frame.site == site].set_index("url")
        assert set(rows.index) == {public(site, p) for p in expected["articles"]}, site
        for path in expected["articles"]:
            row = rows.loc[public(site, path)]
            assert row.title == expected["titles"][path]
            assert row.published_at.isoformat() == expected["published"][path]
            assert list(row.captions) == expected["captions"][path], path
            for caption in row.captions:
                assert caption not in row.text, f"caption copy in {path}"
            for phrase in expected["forbidden_in_text"]:
                assert phrase not in row.text, f"{phrase!r} leaked into {path}"
            assert not set(row.text.splitlines()) & set(expected["forbidden_lines"])
            assert row.tokens and row.n_words > 100 and row.n_sentences > 3
            assert row.text == row.text.strip() and "\n\n" not in row.text
        requested = servers[site].requests
        for path in expected["never_requested"]:
            assert path not in requested, f"{path} was requested (robots/deny)"
    assert "load it: python -c" in result.stdout


def test_seed_page_comes_out_clean(first_crawl):
    _, _, out, _ = first_crawl
    special = EXPECTED["demo-binhthuan"]["special"]
    frame = pd.read_parquet(out).set_index("url")
    row = frame.loc[public("demo-binhthuan", special["seed_article"])]
    lines = row.text.splitlines()
    assert lines[0].startswith("Huyện ủy Tuy Phong cho biết") and lines[0] == row.lead
    assert lines[-1].endswith("dư luận xã hội và nhân dân quan tâm.")
    assert len(row.captions) == 1 and row.captions[0].startswith("Huyện đoàn Tuy Phong khen thưởng")
    for phrase in ("Phản hồi", "Các tin khác", "Mới nhất", "Liên kết website"):
        assert phrase not in row.text
    assert "Tuy_Phong" in row.tokens
    nfd = frame.loc[public("demo-binhthuan", special["nfd_article"])]
    import unicodedata
    assert unicodedata.is_normalized("NFC", nfd.text + nfd.title + "".join(nfd.captions))


def test_second_crawl_adds_nothing_and_skips_known_articles(first_crawl):
    _, servers, out, _ = first_crawl
    before = len(pd.read_parquet(out))
    for server in servers.values():
        server.clear_requests()
    again = crawl(servers, out)
    assert again.returncode == 0, again.stderr
    assert len(pd.read_parquet(out)) == before
    assert ", 0 new articles," in again.stdout
    for site in DEMO_SITES:
        article_paths = set(EXPECTED[site]["articles"])
        assert not article_paths & set(servers[site].requests), site


def test_same_text_under_new_url_is_dropped(first_crawl):
    root, servers, out, _ = first_crawl
    site_root = root / "demo-laocai"
    source = next(site_root.glob("*-post40101.html"))
    copy = source.read_text(encoding="utf-8")
    copy = re.sub(r'<link rel="canonical"[^>]*>', "", copy)
    publish(site_root, "ban-sao-bai-lua-post49999.html", copy, "Bản sao")
    again = crawl(servers, out, sites=["demo-laocai"])
    assert again.returncode == 0
    assert "DuplicateContent 1" in again.stdout
    assert "/ban-sao-bai-lua-post49999.html" in servers["demo-laocai"].requests


def test_new_articles_are_added(first_crawl):
    root, servers, out, _ = first_crawl
    site_root = root / "demo-laocai"
    source = next(site_root.glob("*-post40101.html")).read_text(encoding="utf-8")
    new = source.replace("Bát Xát", "Mường Khương").replace("post40101", "post40201")
    publish(site_root, "muong-khuong-post40201.html", new, "Mới")
    before = len(pd.read_parquet(out))
    again = crawl(servers, out, sites=["demo-laocai"])
    assert again.returncode == 0
    frame = pd.read_parquet(out)
    assert len(frame) == before + 1
    assert frame.url.str.endswith("post40201.html").sum() == 1


def test_start_url_crawls_unconfigured_site(web, tmp_path):
    _, servers = web
    out = tmp_path / "generic"
    base = servers["generic-news"].base_url
    result = run_cli("crawl", "--start-url", base + "/", "--out", out, *LOCAL)
    assert result.returncode == 0, result.stderr
    frame = pd.read_parquet(out)
    expected = EXPECTED["generic-news"]
    assert sorted(frame.url) == sorted(base + p for p in expected["articles"])
    assert (frame.site == "generic").all() and (frame.extraction == "generic").all()
    for row in frame.itertuples():
        path = row.url[len(base):]
        assert row.title == expected["titles"][path]
        for phrase in expected["forbidden_in_text"]:
            assert phrase not in row.text, f"{phrase!r} leaked into {path}"


def test_max_articles_and_since(web, tmp_path):
    _, servers = web
    capped = crawl(servers, tmp_path / "capped", "--max-articles", "2", sites=["demo-laocai"])
    assert capped.returncode == 0, capped.stderr
    assert len(pd.read_parquet(tmp_path / "capped")) == 2
    recent = crawl(servers, tmp_path / "recent", "--since", "2025-06-10", sites=["demo-laocai"])
    assert recent.returncode == 0, recent.stderr
    frame = pd.read_parquet(tmp_path / "recent")
    published = EXPECTED["demo-laocai"]["published"]
    assert len(frame) == sum(v >= "2025-06-10" for v in published.values())
    assert (frame.published_at.dt.date.astype(str) >= "2025-06-10").all()


def test_unreachable_sites_exit_codes(web, tmp_path):
    _, servers = web
    dead = "http://127.0.0.1:9"       # discard port: connection refused
    both = run_cli("crawl", "demo-laocai", "demo-cantho", "--out", tmp_path / "a", *LOCAL,
                   "-s", "RETRY_TIMES=0", "--base-url", f"demo-laocai={dead},demo-cantho={dead}")
    assert both.returncode == 1
    assert both.stderr.strip().splitlines()[-1].startswith("vnnews: no site answered")
    one = run_cli("crawl", "demo-laocai", "demo-cantho", "--out", tmp_path / "b", *LOCAL,
                  "-s", "RETRY_TIMES=0",
                  "--base-url", f"demo-laocai={servers['demo-laocai'].base_url},demo-cantho={dead}")
    assert one.returncode == 3
    assert "demo-cantho" in one.stderr.strip().splitlines()[-1]
    assert len(pd.read_parquet(tmp_path / "b")) == len(EXPECTED["demo-laocai"]["articles"])


def test_demo_command(tmp_path):
    result = run_cli("demo", "--out", tmp_path / "demo")
    assert result.returncode == 0, result.stderr
    for site in DEMO_SITES:
        assert re.search(rf"{site}\s+\+\d+ new\s+{len(EXPECTED[site]['articles'])} articles", result.stdout)
    # the demo web's robots.txt keeps us out of /noi-bo/ (a typed request drop, summarised)
    assert "pd.read_parquet" in result.stdout and "requests dropped: robots" in result.stdout
    frame = pd.read_parquet(tmp_path / "demo")
    assert len(frame) == sum(len(EXPECTED[s]["articles"]) for s in EXPECTED)


def test_line_repeated_across_a_site_is_learned_and_removed(web, tmp_path):
    """A sign-off no rule names, printed in every article body, leaves the corpus."""
    root, servers = web
    sign_off = "Mời bạn đọc gửi tin bài về hộp thư của toà soạn"
    marker = 'itemprop="articleBody">'
    for page in (root / "demo-laocai").glob("*-post*.html"):
        html = page.read_text(encoding="utf-8")
        page.write_text(html.replace(marker, f"{marker}<p>{sign_off}</p>", 1), encoding="utf-8")
    out = tmp_path / "corpus"
    result = crawl(servers, out, "-v", sites=["demo-laocai"])
    assert result.returncode == 0, result.stderr
    assert "site boilerplate: 1 repeated lines learned" in result.stdout
    frame = pd.read_parquet(out)
    assert len(frame) == len(EXPECTED["demo-laocai"]["articles"])
    assert not frame.text.str.contains(sign_off).any()
    assert not frame.tokens.str.contains("toà_soạn").any()
