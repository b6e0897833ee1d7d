"""Rule induction: rules induced from some pages of a site extract its other pages as well
as hand-written rules do (token F1 of SOURCE.md, after the cleaning chain)."""
from __future__ import annotations

import json
import sys
import tomllib

import pytest

from conftest import WEB, load_eval_extraction, real_pages_or_skip
from crawler.sites import induce
from crawler.pages import extract_article
from crawler.sites.registry import get_site

REAL_F1_FLOOR = 0.95       # cafef: rules from one article, scored on the other's gold
FIXTURE_F1_FLOOR = 0.98    # fixture sites: rules from 3 pages, scored on 3 others
EXPECTED = json.loads((WEB / "EXPECTED.json").read_text("utf-8"))
RULEFREE = json.loads((WEB / "rulefree-news" / "_expected.json").read_text("utf-8"))


ev = load_eval_extraction()


def cleaned_text(html: str, url: str, site) -> str:
    """The corpus text of a page extracted with these rules (None: generic)."""
    article = extract_article(html, url, site)
    article.site = site.id if site else "generic"
    ev.clean(article)
    return article.text


def f1(text: str, reference: str) -> float:
    return ev.f1(*ev.precision_recall(text, reference))


def fixture_page(site: str, path: str) -> tuple[str, str]:
    domain = EXPECTED.get(site, {}).get("domain") or "rulefree.test"
    return (WEB / site / path.lstrip("/")).read_text("utf-8"), f"https://{domain}{path}"


def induced_from(site: str, paths: list[str]):
    samples = [induce.read_sample(*fixture_page(site, p), p.rsplit("/", 1)[-1]) for p in paths]
    return induce.site_of(induce.induce(samples))


# -- real pages -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cafef():
    folder = real_pages_or_skip()
    return {p.name: p for p in ev.article_pages(folder) if p.name.startswith("cafef_article")}


@pytest.mark.parametrize("train, test", [("cafef_article", "cafef_article_batdongsan"),
                                         ("cafef_article_batdongsan", "cafef_article")])
def test_rules_from_one_real_article_extract_the_other(cafef, train, test):
    sample = induce.read_sample(cafef[train].html(), cafef[train].url, train)
    site = induce.site_of(induce.induce([sample]))
    assert site.selectors["body"] and site.selectors["title"]
    page = cafef[test]
    score = f1(cleaned_text(page.html(), page.url, site), ev.gold_text(page.gold))
    assert score >= REAL_F1_FLOOR, score


# -- fixture sites --------------------------------------------------------------------------
@pytest.mark.parametrize("site", ["demo-binhthuan", "demo-laocai", "demo-cantho"])
def test_rules_from_three_fixture_pages_match_the_hand_written_rules(site):
    """Reference: the same pages read with the site's verified TOML."""
    articles = EXPECTED[site]["articles"]
    induced, hand = induced_from(site, articles[:3]), get_site(site)
    for path in articles[3:6]:
        html, url = fixture_page(site, path)
        score = f1(cleaned_text(html, url, induced), cleaned_text(html, url, hand))
        assert score >= FIXTURE_F1_FLOOR, (path, score)


def test_rules_from_three_pages_of_a_site_without_toml():
    """Reference: the text the fixture pages were written from."""
    articles = RULEFREE["articles"]
    induced = induced_from("rulefree-news", articles[:3])
    for path in articles[3:]:
        text = cleaned_text(*fixture_page("rulefree-news", path), induced)
        assert f1(text, RULEFREE["texts"][path]) >= FIXTURE_F1_FLOOR, path


def test_induced_rules_name_the_parts_and_drop_the_junk():
    site = induced_from("demo-laocai", EXPECTED["demo-laocai"]["articles"][:3])
    assert site.urls.article[0].pattern == r"-post\d+\.html$"
    assert set(site.selectors) >= {"title", "lead", "author", "date", "body", "drop"}
    path = EXPECTED["demo-laocai"]["articles"][4]
    article = extract_article(*fixture_page("demo-laocai", path), site)
    assert article.extraction == "site-rules"
    assert article.author == EXPECTED["demo-laocai"]["authors"][path]
    assert "Theo dõi Báo Lào Cai" not in article.text


def test_template_lines_become_boilerplate_only_with_several_pages():
    """A line every page prints is the template's; with one page nothing can be told."""
    paths = RULEFREE["articles"][:3]
    samples = [induce.read_sample(*fixture_page("rulefree-news", p), p) for p in paths]
    one = induce.induce(samples[:1])
    assert any("one page only" in n for n in one.notes)
    assert "text" not in one.data or not one.data["text"]["boilerplate"]


# -- output ---------------------------------------------------------------------------------
def test_printed_toml_loads_as_a_registry_site():
    paths = EXPECTED["demo-cantho"]["articles"][:2]
    samples = [induce.read_sample(*fixture_page("demo-cantho", p), p) for p in paths]
    induced = induce.induce(samples)
    data = tomllib.loads(induce.to_toml(induced))
    assert data["domains"] == ["cantho.demo.vnnews.test"] and data["id"] == "cantho"
    assert data["selectors"] == {k: v for k, v in induced.data["selectors"].items()}
    assert data["verified"].startswith("induced from")


@pytest.mark.parametrize("urls, pattern", [
    (["https://a.vn/x-post12.html", "https://a.vn/y-post345.html"], r"-post\d+\.html$"),
    (["https://a.vn/x-188260306.chn", "https://a.vn/y-1882603061.chn"], r"-\d{9,}\.chn$"),
    (["https://a.vn/2025/06/12/x", "https://a.vn/2025/07/01/y"], r"/\d{4}/\d{2}/\d{2}/"),
    (["https://a.vn/x.html", "https://a.vn/y-post3.html"], None),
])
def test_article_url_pattern(urls, pattern):
    assert induce.article_pattern(urls) == pattern


def test_selectors_skip_volatile_names():
    from lxml import html
    node = html.fromstring('<div id="box-1234567" class="detail-content active cms-body"></div>')
    assert induce.simple_selectors(node) == ["div.detail-content", "div.cms-body",
                                             "div.detail-content.cms-body", "div"]


# -- check ----------------------------------------------------------------------------------
def test_check_flags_a_page_the_rules_do_not_fit():
    html, url = fixture_page("demo-cantho", EXPECTED["demo-cantho"]["articles"][0])
    good = induce.check_page(get_site("demo-cantho"), html, url)
    assert not [f for f in good if f.problem], good
    elsewhere = "https://laocai.demo.vnnews.test/bai-khac-post40999.html"
    bad = {f.field: f.problem for f in induce.check_page(get_site("demo-laocai"), html, elsewhere)}
    assert "matched nothing" in bad["body"] and "matched nothing" in bad["title"]


def main() -> int:
    """`python tests/test_induce.py`: the F1s the floors above check."""
    folder = ev.real_pages_dir()
    pages = {p.name: p for p in ev.article_pages(folder)} if folder else {}
    for train, test in (("cafef_article", "cafef_article_batdongsan"),
                        ("cafef_article_batdongsan", "cafef_article")):
        if train in pages:
            sample = induce.read_sample(pages[train].html(), pages[train].url, train)
            site = induce.site_of(induce.induce([sample]))
            text = cleaned_text(pages[test].html(), pages[test].url, site)
            print(f"{train} -> {test}: F1 {f1(text, ev.gold_text(pages[test].gold)):.3f} vs gold")
    for site in ("demo-binhthuan", "demo-laocai", "demo-cantho"):
        articles, hand = EXPECTED[site]["articles"], get_site(site)
        induced = induced_from(site, articles[:3])
        scores = [f1(cleaned_text(*fixture_page(site, p), induced),
                     cleaned_text(*fixture_page(site, p), hand)) for p in articles[3:6]]
        print(f"{site}: 3 pages -> 3 others: F1 {' '.join(f'{s:.3f}' for s in scores)} "
              "vs the hand-written rules")
    induced = induced_from("rulefree-news", RULEFREE["articles"][:3])
    scores = [f1(cleaned_text(*fixture_page("rulefree-news", p), induced), RULEFREE["texts"][p])
              for p in RULEFREE["articles"][3:]]
    print(f"rulefree-news: 3 pages -> 3 others: F1 {' '.join(f'{s:.3f}' for s in scores)} "
          "vs the fixture's text")
    return 0


if __name__ == "__main__":
    sys.exit(main())
