"""Captions found by structure: short, one paragraph, beside an image. A box that wraps a
photo and the paragraphs after it is no caption; a page whose prose sits in its captions is
a photo story, kept whole, with its captions as its body."""
from __future__ import annotations

import pytest

from crawler.pages import extract_article
from crawler.pages.captions import is_photo_story
from crawler.sites.registry import Site
from pipelines.chain import clean_article

URL = "https://baothu.vn/thoi-su/mua-lua-moi-post901.html"
RULES = Site(id="t", name="Báo Thử", domains=("baothu.vn",),
             selectors={"title": ("h1",), "body": ("div.detail",)})
PARAS = [f"Đoạn văn số {i} kể về vụ mùa năm nay của bà con nông dân trong xã, khi giá lúa "
         f"tăng và năng suất đạt cao nhất trong nhiều năm, mang lại thu nhập ổn định cho các "
         f"hộ gia đình ở thôn {i}." for i in range(1, 6)]
CAPTIONS = [f"Ảnh {i}: bà con thôn {i} gặt lúa trên cánh đồng mẫu lớn của xã, những bó lúa "
            f"vàng óng được chuyển lên bờ bằng xe máy, xe cải tiến để kịp phơi trong buổi "
            f"nắng đẹp đầu tháng sáu, trước khi mùa mưa tới." for i in range(1, 8)]


def page(body: str) -> str:
    return (f"<html><head><title>Mùa lúa mới ở vùng cao</title></head><body>"
            f"<nav><a href='/'>Trang chủ</a></nav><h1>Mùa lúa mới ở vùng cao</h1>"
            f"<div class='detail'>{body}</div><footer>Báo Thử - Giấy phép số 01</footer>"
            f"</body></html>")


def figure(caption: str) -> str:
    return f"<figure><img src='/a.jpg'><figcaption>{caption}</figcaption></figure>"


@pytest.mark.parametrize("site", [None, RULES], ids=["generic", "rules"])
def test_a_box_wrapping_a_photo_and_paragraphs_is_not_a_caption(site):
    body = (f"<p>{PARAS[0]}</p><div class='photo-caption-box'><img src='/a.jpg'>"
            + "".join(f"<p>{p}</p>" for p in PARAS[1:4]) + f"</div><p>{PARAS[4]}</p>")
    article = extract_article(page(body), URL, site)
    assert article.captions == []
    assert article.text.splitlines() == PARAS
    assert article.layout == "article"


@pytest.mark.parametrize("site", [None, RULES], ids=["generic", "rules"])
def test_an_ordinary_caption_leaves_the_text(site):
    body = f"<p>{PARAS[0]}</p>{figure(CAPTIONS[0])}" + "".join(f"<p>{p}</p>" for p in PARAS[1:])
    article = clean_article(extract_article(page(body), URL, site))
    assert article.captions == [CAPTIONS[0]]
    assert article.text.splitlines() == PARAS and article.layout == "article"


@pytest.mark.parametrize("site", [None, RULES], ids=["generic", "rules"])
def test_text_set_beside_a_photo_in_its_row_is_body_but_a_row_below_is_a_caption(site):
    beside = "".join(f"<table><tr><td><img src='/s{i}.jpg'></td><td><p><b>Bước {i}:</b></p>"
                     f"<p>{PARAS[i]}</p></td></tr></table>" for i in (1, 2, 3))
    below = (f"<table><tr><td><img src='/a.jpg'></td></tr><tr><td>{CAPTIONS[0]}</td></tr>"
             f"</table>")
    body = f"<p>{PARAS[0]}</p>{beside}{below}<p>{PARAS[4]}</p>"
    article = clean_article(extract_article(page(body), URL, site))
    assert article.captions == [CAPTIONS[0]]
    for i in (1, 2, 3):
        assert PARAS[i] in article.text
    assert article.layout == "article"


@pytest.mark.parametrize("site", [None, RULES], ids=["generic", "rules"])
def test_a_photo_story_keeps_its_captions_as_its_body(site):
    intro = "Những ngày đầu tháng sáu, cả xã vào vụ gặt."
    body = f"<p>{intro}</p>" + "".join(figure(c) for c in CAPTIONS)
    article = clean_article(extract_article(page(body), URL, site))    # not dropped as short
    assert article.layout == "photo_story"
    assert article.captions == CAPTIONS
    assert article.text.splitlines() == [intro, *CAPTIONS]


def test_photo_story_needs_more_caption_words_than_body_words():
    assert is_photo_story(["một hai"], ["ba bốn năm"])
    assert not is_photo_story(["một hai ba bốn"], ["ba bốn năm"])
    assert not is_photo_story(["ba bốn năm", "một"], ["ba bốn năm"]) is False  # copies not counted


def test_a_long_text_in_a_figcaption_is_no_caption():
    long_caption = " ".join(["chữ"] * 90)
    body = f"<p>{PARAS[0]}</p>{figure(long_caption)}<p>{PARAS[1]}</p>"
    assert extract_article(page(body), URL, RULES).captions == []


def test_an_article_laid_out_in_table_cells_keeps_its_text_without_table_marks():
    """Old layouts put the story in table cells; trafilatura reads tables, and its row marks
    ("| text |") do not reach our text."""
    from crawler.pages import extract_article
    from crawler.pages.generic import table_row
    assert table_row("| Giá lúa | 7.500 đồng |") == ["Giá lúa | 7.500 đồng"]
    paragraphs = [f"Đoạn {i}: bà con xã vùng cao thu hoạch lúa mùa, năng suất năm nay đạt cao "
                  f"hơn mọi năm nhờ thời tiết thuận lợi và giống mới." for i in range(6)]
    cells = "".join(f"<tr><td><p>{p}</p></td></tr>" for p in paragraphs)
    html = (f"<html><head><title>Tin</title></head><body><h1>Bà con thu hoạch lúa mùa sớm</h1>"
            f"<table>{cells}</table></body></html>")
    article = extract_article(html, "https://a.vn/ba-con-thu-hoach-lua-mua-post12345.html")
    assert all(p in article.text for p in paragraphs)
    assert "|" not in article.text
