"""Quality gate on real Vietnamese news pages with hand-written gold.

The pages are read where they are, never copied: VNNEWS_REAL_PAGES, default
../shared/real-pages beside the repository; every test here skips when the folder is
absent. Floors are pinned in tests/quality_floors.json (raise them when extraction improves;
lowering one needs a reason). Scoring is scripts/eval_extraction.py's (`make eval`), so the
gate and the report cannot disagree.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import load_eval_extraction, real_pages_or_skip

ROOT = Path(__file__).resolve().parents[1]
FLOORS = json.loads(Path(__file__).with_name("quality_floors.json").read_text("utf-8"))
ARTICLES = sorted(FLOORS["article_f1"])
LISTINGS = sorted(FLOORS["listing_recall"])


ev = load_eval_extraction()


@pytest.fixture(scope="module")
def real_pages() -> Path:
    return real_pages_or_skip()


def page(folder: Path, name: str, kind: str = "article"):
    pages = ev.article_pages(folder) if kind == "article" else ev.listing_pages(folder)
    found = [p for p in pages if p.name == name]
    assert found, f"{name} is pinned in quality_floors.json but missing from {folder}"
    return found[0]


@lru_cache(maxsize=None)
def rules_result(folder: Path, name: str):
    """Our extraction with site rules, after the cleaning chain (cached per page)."""
    return ev.extract(page(folder, name), "rules")


@lru_cache(maxsize=None)
def rules_score(folder: Path, name: str):
    return ev.score(rules_result(folder, name), page(folder, name).gold)


# -- article pages, site rules on --------------------------------------------------------
@pytest.mark.parametrize("name", ARTICLES)
def test_article_f1_floor(real_pages, name):
    score = rules_score(real_pages, name)
    assert score.error is None, score.error
    assert score.f1 >= FLOORS["article_f1"][name], \
        f"F1 {score.f1:.4f} (P {score.precision:.4f}, R {score.recall:.4f})"


@pytest.mark.parametrize("name", ARTICLES)
def test_article_has_no_boilerplate_leaks(real_pages, name):
    assert len(rules_score(real_pages, name).leaks) <= FLOORS["max_leaks"], \
        rules_score(real_pages, name).leaks


@pytest.mark.parametrize("name", ARTICLES)
def test_article_text_has_no_caption_copies(real_pages, name):
    copies = rules_score(real_pages, name).caption_copies
    assert len(copies) <= FLOORS["max_caption_copies"], copies


@pytest.mark.parametrize("name", ARTICLES)
def test_article_title_is_the_printed_headline(real_pages, name):
    gold = page(real_pages, name).gold["title"]
    assert ev.norm(rules_result(real_pages, name).title) == ev.norm(gold)


@pytest.mark.parametrize("name", ARTICLES)
def test_article_date_is_kept_as_printed(real_pages, name):
    result, gold = rules_result(real_pages, name), page(real_pages, name).gold
    assert rules_score(real_pages, name).fields["date"], \
        f"{result.published_raw!r} ({result.published_at}) vs gold {gold['published']!r}"


# -- the generic layer -----------------------------------------------------------------
def test_generic_layer_beats_plain_trafilatura(real_pages):
    pages = ev.article_pages(real_pages)
    scores = [ev.score_page(p, names=("generic", "trafilatura")) for p in pages]
    ours = ev.summary([s["generic"] for s in scores])["f1"]
    trafilatura = ev.summary([s["trafilatura"] for s in scores])["f1"]
    assert ours >= FLOORS["generic_mean_f1"], f"generic mean F1 {ours:.4f}"
    assert ours > trafilatura, f"generic {ours:.4f} <= trafilatura {trafilatura:.4f}"


# -- listing pages ------------------------------------------------------------------------
@pytest.mark.parametrize("name", LISTINGS)
def test_listing_links(real_pages, name):
    score = ev.score_listing(page(real_pages, name, kind="listing"), rules=True)
    assert score.recall >= FLOORS["listing_recall"][name], f"missing: {score.missing}"
    assert score.precision >= FLOORS["listing_precision"][name], f"not in the list: {score.extra}"


# -- the CLI ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ARTICLES)
def test_cli_extract_prints_the_row(real_pages, name):
    """`python -m crawler extract FILE --url URL`, from the repo root, as a user runs it."""
    real = page(real_pages, name)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "crawler", "extract", str(real.file),
                           "--url", real.url], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    row = json.loads(done.stdout)
    assert row["title"].strip() and row["text"].strip()


# -- engine pieces the real pages called for (made-up HTML, no real pages needed) --------
from crawler.pages import extract_article  # noqa: E402
from crawler.pages.anchor import anchor_lines  # noqa: E402
from crawler.pages.bylines import is_publisher, looks_like_byline, split_byline  # noqa: E402
from crawler.pages.dates import clean_printed, parse_printed  # noqa: E402
from crawler.pages.html_text import parse_html  # noqa: E402
from crawler.sites.registry import Site  # noqa: E402

SITE = Site(id="t", name="Báo Thử", domains=("baothu.vn",),
            selectors={"title": ("h1",), "body": ("div.body",), "author": (".body .by",)})
PARA = ("Người dân xã miền núi đã trồng thêm hàng trăm héc-ta chè trong mùa xuân năm nay, "
        "nhờ nguồn vốn vay ưu đãi và sự hướng dẫn kỹ thuật của cán bộ khuyến nông huyện.")


def page_html(body: str, head: str = "") -> str:
    return (f"<html><head>{head}</head><body><h1>Chè xanh phủ kín đồi</h1>"
            f"<div class='body'>{body}</div></body></html>")


@pytest.mark.parametrize("line, byline", [
    ("Hà Thu (tổng hợp)", True), ("NHẬT XUÂN - NGHI VŨ", True), ("Theo Hồ Hương", True),
    ("Minh Chiến", True), ("Hoa nhập khẩu thiếu hàng", False), ("Giá vàng tăng 5 lần", False),
    ("Ông Nguyễn Văn An cho biết.", False), (PARA, False), ("Ảnh: Hồng Khanh", False),
    ("Bài và ảnh: Lan Anh", True),
])
def test_byline_lines(line, byline):
    assert looks_like_byline(line) is byline


@pytest.mark.parametrize("name, publisher", [
    ("VnExpress", True), ("NLD.COM.VN", True), ("TUOI TRE ONLINE", True),
    ("Báo Thử điện tử", True), ("Thử", True), ("Tri Túc", False), (None, False),
])
def test_publisher_names_are_no_bylines(name, publisher):
    assert is_publisher(name, ["vnexpress.net", "Báo Thử"]) is publisher


def test_trailing_byline_replaces_a_publisher_author_and_leaves_the_text():
    assert split_byline([PARA, "Hà Thu (tổng hợp)"], "VnExpress", ["vnexpress.net"]) == \
        ([PARA], "Hà Thu (tổng hợp)")
    assert split_byline([PARA, "Hà Thu"], "Hà Thu", []) == ([PARA], "Hà Thu")
    assert split_byline([PARA, "Lan Anh"], "Hà Thu", []) == ([PARA, "Lan Anh"], "Hà Thu")


def test_a_signature_over_its_credit_goes_whoever_the_author_is():
    signed = [PARA, "Bác sĩ Trần Thanh Vỹ", "(BV ĐH Y Dược TP.HCM)"]
    assert split_byline(signed, None, []) == ([PARA], "Bác sĩ Trần Thanh Vỹ")
    assert split_byline(signed, "Tác giả", []) == ([PARA], "Tác giả")
    twice = [PARA, "H.A", "(Theo Readers Digest)", "H.A (Theo Readers Digest)"]
    assert split_byline(twice, None, []) == ([PARA], "H.A (Theo Readers Digest)")
    caption = [PARA, "Bệnh nhân được chăm sóc tại khoa hồi sức", "(ảnh minh họa)"]
    assert split_byline(caption, None, []) == (caption, None)      # a sentence, not names


@pytest.mark.parametrize("printed, raw, hour, minute", [
    ("- 07/03/2026 08:47", "07/03/2026 08:47", 8, 47),
    ("07-03-2026 - 09:40 PM", "07-03-2026 - 09:40 PM", 21, 40),
    ("07-03-2026 - 12:05 AM |", "07-03-2026 - 12:05 AM", 0, 5),
    ("Thứ bảy, 7/3/2026, 00:05 (GMT+7)", "Thứ bảy, 7/3/2026, 00:05 (GMT+7)", 0, 5),
])
def test_printed_dates_keep_the_page_form(printed, raw, hour, minute):
    when = parse_printed(printed)
    assert clean_printed(printed) == raw and (when.hour, when.minute) == (hour, minute)


def test_captions_in_image_tables_and_italic_lines_leave_the_text():
    body = (f"<p>{PARA}</p><table><tr><td><img src='a.jpg'></td></tr>"
            "<tr><td>Đồi chè ở xã vùng cao.</td></tr></table>"
            "<p style='text-align:center'><img src='b.jpg'><br><em>Thu hái chè búp.</em></p>"
            "<p><img src='c.jpg'></p><p><i>Sao chè bằng tay.</i></p><p class='by'>Lan Anh</p>")
    article = extract_article(page_html(body), "https://baothu.vn/che-post1.html", SITE)
    assert article.captions == ["Đồi chè ở xã vùng cao.", "Thu hái chè búp.", "Sao chè bằng tay."]
    assert article.text == PARA and article.author == "Lan Anh"


def test_a_line_set_under_a_photo_in_its_paragraph_is_a_caption_but_a_paragraph_is_not():
    """"<p><img><br>caption</p>": an editor's photo and caption in one paragraph, no figure
    markup (two CMSs of the dev set). Text before the photo (a comment between them too),
    a long paragraph or sentences after it, or text under an embedded video, stay in the
    body."""
    caption = "Nhân viên y tế chăm sóc bệnh nhân. (Ảnh: Minh Quyết/TTXVN)"
    body = (f"<p>{PARA}</p><p class='note'><img src='a.jpg'><br> {caption}</p>"
            f"<p><img src='b.jpg'><br><span style='color:#595959'>Các bị cáo tại tòa</span></p>")
    article = extract_article(page_html(body), "https://baothu.vn/che-post1.html", SITE,
                              use_rules=False)
    assert article.captions == [caption, "Các bị cáo tại tòa"] and article.text == PARA
    inline = "Sáng nay, tỉnh khánh thành cây cầu mới nối hai xã ven sông."
    long = " ".join([PARA] * 4)
    sentences = ("Phát biểu tại buổi lễ, Chủ tịch tỉnh cho biết cầu sẽ giúp vùng phát triển. "
                 "Tỉnh sẽ đầu tư thêm hai tuyến đường. Tổng vốn khoảng 1.200 tỷ đồng.")
    embedded = "Người dân đổ về hai bên cầu từ sáng sớm. Lễ hội kéo dài đến tối."
    body = (f"<p>{PARA}</p><p>{inline} <img src='a.jpg'><br>Cầu dài 200 m.</p>"
            f"<p><img src='b.jpg'><br>{long}</p><p><img src='c.jpg'><br>{sentences}</p>"
            f"<p><iframe src='https://www.youtube.com/embed/x'></iframe><br>{embedded}</p>"
            f"<p><!-- x -->{inline} <img src='d.jpg'><br>Cầu dài 300 m.</p>")
    article = extract_article(page_html(body), "https://baothu.vn/che-post1.html", SITE,
                              use_rules=False)
    assert article.captions == []
    assert all(text in article.text for text in (long, inline, sentences, embedded))


def test_generic_title_is_the_printed_h1_and_category_the_breadcrumb():
    head = ("<meta property='og:title' content='Chè xanh phủ kín đồi vùng cao'>"
            "<script type='application/ld+json'>{\"@type\": \"BreadcrumbList\", "
            "\"itemListElement\": [{\"name\": \"Trang chủ\", \"item\": \"https://baothu.vn\"}, "
            "{\"name\": \"Kinh t&#7871;\", \"item\": \"https://baothu.vn/kinh-te\"}]}</script>")
    article = extract_article(page_html(f"<p>{PARA}</p>" * 3, head),
                              "https://baothu.vn/che-post1.html", SITE, use_rules=False)
    assert article.title == "Chè xanh phủ kín đồi" and article.category == "Kinh tế"


def test_anchoring_puts_back_headings_and_drops_lines_from_beside_the_article():
    other = "Một bài báo khác cùng chuyên mục đang được nhiều người đọc"
    tree = parse_html(f"<html><body><div><h2>Mùa chè mới</h2><p>{PARA} Một.</p>"
                      f"<h3>Giá chè tăng</h3><p>{PARA} Hai.</p><p>{PARA} Ba.</p>"
                      f"<p>Lan Anh</p></div><ul><li>{other}</li></ul></body></html>")
    lines = [f"{PARA} Một.", f"{PARA} Hai.", f"{PARA} Ba.", f"- {other}"]
    assert anchor_lines(lines, tree) == ["Mùa chè mới", f"{PARA} Một.", "Giá chè tăng",
                                         f"{PARA} Hai.", f"{PARA} Ba.", "Lan Anh"]


# -- pages that are not articles ---------------------------------------------------------
@pytest.mark.parametrize("name", LISTINGS)
@pytest.mark.parametrize("known_site", [True, False])
def test_listing_page_gives_no_row(real_pages, name, known_site):
    """A section page yields no row, with or without the site's rules (unknown domain)."""
    from crawler.pages import NoArticle, extract_article
    from crawler.sites.registry import site_for_url
    listing = page(real_pages, name, "listing")
    url = listing.url if known_site else "https://unknown-paper.vn/" + listing.url.split("/", 3)[3]
    site = site_for_url(url)
    assert (site is not None) == known_site
    with pytest.raises(NoArticle, match="^not an article: "):
        extract_article(listing.html(), url, site)


# -- floors may not be lowered silently ----------------------------------------------------
FLOOR_FLAG = "ALLOW-FLOOR-DROP:"


def _floor_values(data: dict, prefix: str = "") -> dict[str, float]:
    values = {}
    for key, value in data.items():
        if isinstance(value, dict):
            values.update(_floor_values(value, f"{prefix}{key}."))
        elif isinstance(value, (int, float)) and not key.startswith("max_"):
            values[f"{prefix}{key}"] = value
    return values


def test_floors_are_not_lowered_without_a_flagged_commit():
    """Compare the floors with the previous committed version of the file; a lower floor needs
    a commit message carrying 'ALLOW-FLOOR-DROP: <reason>' (and max_* ceilings may not rise)."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    path = "tests/quality_floors.json"
    commits = git("log", "--format=%H", "--", path).stdout.split()
    if git("rev-parse", "--git-dir").returncode or not commits:
        pytest.skip("no git history of the floors file")
    current = json.loads((ROOT / path).read_text("utf-8"))
    changed = git("diff", "--quiet", "HEAD", "--", path).returncode != 0
    base = commits[0] if changed else (commits[1] if len(commits) > 1 else None)
    if base is None:
        return
    before = json.loads(git("show", f"{base}:{path}").stdout)
    old, new = _floor_values(before), _floor_values(current)
    lowered = [k for k in old if k in new and new[k] < old[k]] + [k for k in old if k not in new]
    raised = [k for k in ("max_leaks", "max_caption_copies") if current.get(k, 0) > before.get(k, 0)]
    message = "" if changed else git("log", "-1", "--format=%B", commits[0]).stdout
    if lowered or raised:
        assert FLOOR_FLAG in message, (f"floors lowered {lowered + raised} without "
                                       f"'{FLOOR_FLAG} <reason>' in the commit message")


def test_make_eval_passes_its_floors_and_prints_the_contract_line(capsys):
    """`make eval` as CI runs it: every page, rule-free layer beside trafilatura, floors from
    quality_floors.json["eval"]; the last line is the issue's contract."""
    if ev.real_pages_dir() is None:
        pytest.skip("real pages not found (VNNEWS_REAL_PAGES)")
    code = ev.main([])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(r"eval sealed_f1=\S+ sealed_traf=\S+ tuned_f1=[\d.]+ "
                        r"worst_page_vs_traf=[-+][\d.]+ dropped=\d+ links_recall=[\d.]+ "
                        r"non_article=[\d.]+ tuned_links_recall=[\d.]+ "
                        r"sealed_links_recall=\S+ main_links_recall=\S+", last), last
    assert code == 0, last
