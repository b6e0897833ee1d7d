"""pipelines.normalize: every policy rule on Vietnamese text, idempotence, the duplicate key."""
from __future__ import annotations

import random
import unicodedata

import pytest

from crawler.items import Article
from pipelines.encoding import UndecodableError
from pipelines.normalize import (NormalizePipeline, content_hash, normalize_article,
                                 normalize_inline, normalize_text)

RULES = [
    # (rule, raw, normalised)
    ("NFC", "Vie\u0302\u0323t Nam", "Việt Nam"),
    ("NFC, decomposed tone", "Ho\u0300a Bi\u0300nh", "Hòa Bình"),
    ("zero-width space", "Hà\u200bNội", "HàNội"),
    ("zero-width non-joiner and joiner", "Quốc\u200c\u200dhội", "Quốchội"),
    ("word joiner", "Đà\u2060Nẵng", "ĐàNẵng"),
    ("BOM inside and at start", "\ufeffTin\ufeff tức", "Tin tức"),
    ("soft hyphen", "Thành\u00adphố Huế", "Thànhphố Huế"),
    ("bidi marks", "\u200eSài Gòn\u200f \u202aHuế\u202c", "Sài Gòn Huế"),
    ("combining grapheme joiner", "Cần\u034f Thơ", "Cần Thơ"),
    ("control characters", "Bến\x00 Tre\x07\x1b", "Bến Tre"),
    ("mark separated by a zero-width space", "Ca\u200b\u0300 Mau", "Cà Mau"),
    ("NBSP", "Hà\u00a0Nội", "Hà Nội"),
    ("tab", "Bình\tThuận", "Bình Thuận"),
    ("en space, thin space", "Phan\u2002Thiết\u2009mới", "Phan Thiết mới"),
    ("narrow NBSP, medium math space", "10\u202f000 đồng\u205fmỗi", "10 000 đồng mỗi"),
    ("ideographic space", "Lào\u3000Cai", "Lào Cai"),
    ("ogham space", "Hà\u1680Giang", "Hà Giang"),
    ("Icelandic capital eth", "Ðà Nẵng", "Đà Nẵng"),
    ("Icelandic small eth", "ðường ðua", "đường đua"),
    ("eth in capitals", "ÐẠI HỘI ÐẢNG", "ĐẠI HỘI ĐẢNG"),
    ("fullwidth letters and digits", "ＣＯＶＩＤ－１９", "COVID-19"),
    ("fullwidth punctuation", "（Hà Nội）：ｔｉｎ！", "(Hà Nội):tin!"),
    ("curly quotes kept", "“Hà Nội” và ‘Huế’", "“Hà Nội” và ‘Huế’"),
    ("dashes and ellipsis kept", "2020–2025 — hết…", "2020–2025 — hết…"),
    ("old-style tone placement kept", "Thuỷ điện Hoà Bình, hoá đơn", "Thuỷ điện Hoà Bình, hoá đơn"),
    ("new-style tone placement kept", "Thủy điện Hòa Bình, hóa đơn", "Thủy điện Hòa Bình, hóa đơn"),
    ("case kept", "UBND tỉnh QUẢNG NGÃI", "UBND tỉnh QUẢNG NGÃI"),
    ("spaces collapsed", "Quảng   Ngãi  mưa", "Quảng Ngãi mưa"),
    ("lines stripped", "  Hà Nội  \n\t Huế  ", "Hà Nội\nHuế"),
    ("blank lines removed", "Đoạn một.\n\n\n  \n\u00a0\nĐoạn hai.", "Đoạn một.\nĐoạn hai."),
    ("CRLF and CR", "Một\r\nHai\rBa", "Một\nHai\nBa"),
    ("form feed, vertical tab, NEL", "Một\fHai\vBa\x85Bốn", "Một\nHai\nBa\nBốn"),
    ("line and paragraph separators", "Một\u2028Hai\u2029Ba", "Một\nHai\nBa"),
    ("leading and trailing whitespace", "\n\n  \u00a0Tin mới \n\n", "Tin mới"),
    ("empty", "", ""),
    ("only invisible", "\u200b\u00ad\ufeff \n", ""),
]


@pytest.mark.parametrize("rule, raw, expected", RULES, ids=[r[0] for r in RULES])
def test_normalize_text_rule(rule, raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize("rule, raw, expected", RULES, ids=[r[0] for r in RULES])
def test_normalize_text_is_idempotent_on_every_rule(rule, raw, expected):
    assert normalize_text(normalize_text(raw)) == normalize_text(raw)


def test_output_is_nfc_with_one_paragraph_per_line():
    raw = "Tie\u0302\u0301ng Vie\u0323\u0302t\n\n\n  la\u0300 ngo\u0302n ngu\u031b\u0303  \n"
    out = normalize_text(raw)
    assert out == "Tiếng Việt\nlà ngôn ngữ"
    assert unicodedata.is_normalized("NFC", out)
    assert all(line and line == line.strip() for line in out.split("\n"))


POOL = ("aăâeêioôơuưyđĐÐðHàNộiTrườngQuảng \n\t\r\u00a0\u200b\u200d\u00ad\ufeff\u2009\u3000"
        "\u0300\u0301\u0303\u0309\u0323\u0302\u031b\uff21\uff11\uff0c“”–\x00\x85\u2028")


def test_idempotent_on_random_strings():
    rng = random.Random(20260307)
    for _ in range(3000):
        raw = "".join(rng.choice(POOL) for _ in range(rng.randint(0, 40)))
        once = normalize_text(raw)
        assert normalize_text(once) == once, repr(raw)
        assert normalize_inline(normalize_inline(raw)) == normalize_inline(raw), repr(raw)


INLINE = [
    ("  Bão số 3\ngây thiệt hại\n\nnặng ", "Bão số 3 gây thiệt hại nặng"),
    ("Ảnh:\u00a0Ngọc\u200b Hà", "Ảnh: Ngọc Hà"),
    ("Tác giả\r\n  Minh   Châu", "Tác giả Minh Châu"),
    ("\n\n", ""),
]


@pytest.mark.parametrize("raw, expected", INLINE)
def test_normalize_inline(raw, expected):
    assert normalize_inline(raw) == expected
    assert "\n" not in normalize_inline(raw)


ARTICLE = "Sáng 7/3, UBND tỉnh Bình Thuận họp báo.\nTỉnh đã chi 12 tỷ đồng cho dự án."
SAME_ARTICLE = [
    "SÁNG 7/3, UBND TỈNH BÌNH THUẬN HỌP BÁO.\nTỈNH ĐÃ CHI 12 TỶ ĐỒNG CHO DỰ ÁN.",
    "Sáng 7/3 UBND tỉnh Bình Thuận họp báo\n\n\nTỉnh đã chi 12 tỷ đồng cho dự án",
    "  Sáng 7/3,  UBND tỉnh\u00a0Bình Thuận họp báo. Tỉnh đã chi 12 tỷ đồng cho dự án! ",
    "Sáng 7/3 — UBND tỉnh “Bình Thuận” họp báo…\nTỉnh đã chi 12 tỷ đồng cho dự án.",
    "Sa\u0301ng 7/3, UBND ti\u0309nh Bi\u0300nh Thua\u0323\u0302n ho\u0323p ba\u0301o.\n"
    "Ti\u0309nh đa\u0303 chi 12 ty\u0309 đo\u0302\u0300ng cho dư\u0323 a\u0301n.",
    "Sáng 7/3, UBND tỉnh Bình Thuận họp báo.\nTỉnh ðã chi 12 tỷ ðồng cho dự án.",
]


@pytest.mark.parametrize("variant", SAME_ARTICLE)
def test_content_hash_collides_on_trivial_differences(variant):
    assert content_hash(variant) == content_hash(ARTICLE)


@pytest.mark.parametrize("other", [
    "Sáng 7/3, UBND tỉnh Bình Thuận họp báo.\nTỉnh đã chi 13 tỷ đồng cho dự án.",
    "Sáng 7/3, UBND tỉnh Bình Thuận họp báo.\nTỉnh đã chi 12 tỷ đồng cho dư án.",
    "Sáng 7/3, UBND tỉnh Ninh Thuận họp báo.\nTỉnh đã chi 12 tỷ đồng cho dự án.",
])
def test_content_hash_differs_on_real_differences(other):
    assert content_hash(other) != content_hash(ARTICLE)


def test_content_hash_is_hex_128_bits():
    digest = content_hash(ARTICLE)
    assert len(digest) == 32 and int(digest, 16) >= 0


def test_normalize_article_cleans_every_text_field():
    article = Article(
        url="https://baobinhthuan.com.vn/a.html", site="baobinhthuan",
        title="  Bão\u00a0số 3\n gây thiệt hại ", text="Đoạn\u200b một.\n\n\nÐoạn  hai.",
        lead=" \n ", author="Ngọc\tHà", category="Xã hội",
        captions=["Ảnh:\u00a0Hiện trường", "  "], tags=["Tin\u00adtức", "Bình Thuận"])
    normalize_article(article)
    assert article.title == "Bão số 3 gây thiệt hại"
    assert article.text == "Đoạn một.\nĐoạn hai."
    assert article.lead is None and article.author == "Ngọc Hà"
    assert article.captions == ["Ảnh: Hiện trường"]
    assert article.tags == ["Tintức", "Bình Thuận"]


def test_normalize_article_repairs_legacy_text_before_stripping_soft_hyphens():
    article = Article(url="u", site="s", title="Tr\xadêng ®¹i häc",
                      text="Huyá»‡n á»§y Tuy Phong há»\x8dp bÃ¡o")
    normalize_article(article)
    assert article.title == "Trường đại học"
    assert article.text == "Huyện ủy Tuy Phong họp báo"


def test_normalize_article_raises_on_garbage():
    with pytest.raises(UndecodableError):
        normalize_article(Article(url="u", site="s", title="T", text="Huy\ufffdn \ufffd\ufffd"))


def test_a_broken_tag_or_title_character_beside_a_clean_body_costs_only_that_value():
    article = Article(url="u", site="s", title="Pakistan\ufffds army", text="Huyện ủy họp báo",
                      tags=["Pakistan\ufffds military", "Kabul"], author="R\ufffdn")
    normalize_article(article)
    assert article.text == "Huyện ủy họp báo" and article.tags == ["Kabul"]
    assert article.title == "Pakistans army" and article.author is None


def test_pipeline_drops_undecodable_items_with_a_typed_drop():
    from pipelines.drops import Undecodable
    item = Article(url="u", site="s", title="Tin", text="\x01\x02\x03\x04 rác")
    with pytest.raises(Undecodable, match="undecodable"):
        NormalizePipeline().process_item(item)
    good = Article(url="u", site="s", title=" Tin ", text="Hà\u00a0Nội")
    assert NormalizePipeline().process_item(good).text == "Hà Nội"
