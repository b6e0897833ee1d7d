"""pipelines.encoding: legacy font encodings, mojibake, page decoding, and refusals."""
from __future__ import annotations

import html as html_module
import os
import random
import re
import unicodedata
from pathlib import Path

import pytest

from pipelines import encoding
from pipelines.encoding import (LABELS, TCVN3_LETTERS, VIETNAMESE_LETTERS, VNI_LETTERS,
                                UndecodableError, decode_html, detect_legacy, fix_mojibake,
                                repair_text, tcvn3_to_unicode, vni_to_unicode)

# ---- Encoders for building test input (inverses of the tables under test) --------------------
TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_tcvn3(text: str) -> str:
    """What a .VnTime typist produced: toned capitals only exist as lowercase codes."""
    return "".join(TCVN3_LETTERS.get(c) or TCVN3_LETTERS.get(c.lower(), c) for c in text)


def tcvn3_can_say(text: str) -> str:
    """The text TCVN3 can carry: toned capitals other than Ă Â Ê Ô Ơ Ư Đ come back lowercase."""
    return "".join(c.lower() if c in VIETNAMESE_LETTERS and c not in TCVN3_LETTERS else c
                   for c in text)


def to_vni(text: str) -> str:
    return "".join(VNI_LETTERS.get(c, c) for c in text)


def cp1258_bytes(text: str) -> bytes:
    """windows-1258 as Windows writes it: base letter (ă â ê ô ơ ư are precomposed) + tone mark."""
    out = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in decomposed if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


def as_cp1252(data: bytes) -> str:
    """Bytes read as windows-1252 by a browser (undefined bytes kept as C1 controls)."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


def mojibake(text: str) -> str:
    return as_cp1252(text.encode("utf-8"))


SENTENCES = [
    "Trường đại học Sư phạm Hà Nội tuyển sinh năm học mới.",
    "Ủy ban nhân dân tỉnh Bình Thuận vừa ban hành kế hoạch phòng chống thiên tai.",
    "Giá vàng trong nước tăng mạnh, vượt mốc 90 triệu đồng mỗi lượng.",
    "Người dân huyện Tuy Phong đã thu hoạch xong vụ lúa đông xuân.",
    "Đội tuyển bóng đá nữ Việt Nam chuẩn bị cho Asian Cup 2026.",
    "Bộ Y tế khuyến cáo người dân không tự ý dùng thuốc kháng sinh.",
    "Chủ tịch nước tiếp đoàn đại biểu người có công tiêu biểu của tỉnh.",
    "Hội nghị tổng kết công tác năm 2025 và triển khai nhiệm vụ năm 2026.",
    "Mưa lớn kéo dài khiến nhiều tuyến đường ở thành phố Phan Thiết bị ngập sâu.",
    "Nông dân Lâm Đồng trồng dâu tây theo hướng hữu cơ, thu nhập tăng gấp đôi.",
    "Thuỷ điện Hoà Bình xả lũ lần thứ hai trong năm, khuyến cáo người dân hạ du.",
    "Ông Nguyễn Văn Ẩn, Chủ tịch Hội Nông dân xã, phát biểu ý kiến.",
]
ENGLISH = [
    "The quick brown fox jumps over the lazy dog.",
    "Copyright © 2024 Example Corp. All rights reserved ®.",
    "Café au lait, naïve résumé, façade – “quotes” and — dashes…",
    "Price: 5 × 10 = 50 ± 2 °C, ½ off, ¼ mile, 30 µm, § 4 ¶ 2.",
    "Señor Müller’s Straße in Zürich is 3 km from Malmö and Ærøskøbing.",
]

# ---- Hand-copied charts (hex), independent of the module's tables ----------------------------
TCVN3_CHART = """
ă A8 â A9 ê AA ô AB ơ AC ư AD đ AE Ă A1 Â A2 Ê A3 Ô A4 Ơ A5 Ư A6 Đ A7
à B5 ả B6 ã B7 á B8 ạ B9  ằ BB ẳ BC ẵ BD ắ BE ặ C6  ầ C7 ẩ C8 ẫ C9 ấ CA ậ CB
è CC ẻ CE ẽ CF é D0 ẹ D1  ề D2 ể D3 ễ D4 ế D5 ệ D6  ì D7 ỉ D8 ĩ DC í DD ị DE
ò DF ỏ E1 õ E2 ó E3 ọ E4  ồ E5 ổ E6 ỗ E7 ố E8 ộ E9  ờ EA ở EB ỡ EC ớ ED ợ EE
ù EF ủ F1 ũ F2 ú F3 ụ F4  ừ F5 ử F6 ữ F7 ứ F8 ự F9  ỳ FA ỷ FB ỹ FC ý FD ỵ FE
"""
# VNI-Windows, lowercase; a capital is the ASCII capital plus the same mark byte - 0x20.
VNI_CHART = """
á 61F9 à 61F8 ả 61FB ã 61F5 ạ 61EF  ă 61EA ắ 61E9 ằ 61E8 ẳ 61FA ẵ 61FC ặ 61EB
â 61E2 ấ 61E1 ầ 61E0 ẩ 61E5 ẫ 61E3 ậ 61E4  é 65F9 è 65F8 ẻ 65FB ẽ 65F5 ẹ 65EF
ê 65E2 ế 65E1 ề 65E0 ể 65E5 ễ 65E3 ệ 65E4  í ED ì EC ỉ E6 ĩ F3 ị F2
ó 6FF9 ò 6FF8 ỏ 6FFB õ 6FF5 ọ 6FEF  ô 6FE2 ố 6FE1 ồ 6FE0 ổ 6FE5 ỗ 6FE3 ộ 6FE4
ơ F4 ớ F4F9 ờ F4F8 ở F4FB ỡ F4F5 ợ F4EF  ú 75F9 ù 75F8 ủ 75FB ũ 75F5 ụ 75EF
ư F6 ứ F6F9 ừ F6F8 ử F6FB ữ F6F5 ự F6EF  ý 79F9 ỳ 79F8 ỷ 79FB ỹ 79F5 ỵ EE  đ F1
"""


def chart(text: str) -> dict[str, bytes]:
    items = text.split()
    return {letter: bytes.fromhex(code) for letter, code in zip(items[::2], items[1::2])}


TCVN3 = chart(TCVN3_CHART)
VNI = chart(VNI_CHART)
VNI |= {letter.upper(): bytes(b - 0x20 if b >= 0xE0 or 0x61 <= b <= 0x7A else b for b in code)
        for letter, code in VNI.items()}
LOWER_TONED = sorted(c for c in VIETNAMESE_LETTERS if c.islower())
UPPER_TONED = sorted(c for c in VIETNAMESE_LETTERS if c.isupper())


def test_alphabet_has_134_letters():
    assert len(VIETNAMESE_LETTERS) == 134 and len(LOWER_TONED) == len(UPPER_TONED) == 67
    assert len(TCVN3) == 67 + 7 and len(VNI) == 134


@pytest.mark.parametrize("letter", sorted(TCVN3))
def test_tcvn3_table_matches_the_chart(letter):
    code = TCVN3[letter].decode("cp1252")
    assert TCVN3_LETTERS[letter] == code
    assert tcvn3_to_unicode(code) == letter


@pytest.mark.parametrize("letter", sorted(VNI))
def test_vni_table_matches_the_chart(letter):
    code = VNI[letter].decode("cp1252")
    assert VNI_LETTERS.get(letter, letter) == code
    assert vni_to_unicode(code) == letter
    assert vni_to_unicode(f"t{code}n") == f"t{letter}n"  # inside a word, between consonants


@pytest.mark.parametrize("letter", LOWER_TONED + ["Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"])
def test_tcvn3_round_trip_of_every_letter_it_encodes(letter):
    assert tcvn3_to_unicode(to_tcvn3(letter)) == letter
    assert tcvn3_to_unicode("k" + to_tcvn3(letter) + "m") == "k" + letter + "m"


@pytest.mark.parametrize("letter", UPPER_TONED)
def test_tcvn3_capitals_come_from_the_h_font(letter):
    assert tcvn3_to_unicode(to_tcvn3(letter.lower()), uppercase=True) == letter


@pytest.mark.parametrize("letter", LOWER_TONED + UPPER_TONED)
def test_vni_round_trip_of_all_134_letters(letter):
    assert vni_to_unicode(to_vni(letter)) == letter


KNOWN_TCVN3 = [
    ("Tr\xadêng ®¹i häc", "Trường đại học"),
    ("ViÖt Nam", "Việt Nam"),
    ("Hµ Néi", "Hà Nội"),
    ("§¶ng Céng s¶n ViÖt Nam", "Đảng Cộng sản Việt Nam"),
    ("Thñ t\xadíng ChÝnh phñ", "Thủ tướng Chính phủ"),
    ("Uû ban nh©n d©n", "Uỷ ban nhân dân"),
    ("Së Gi¸o dôc vµ §µo t¹o", "Sở Giáo dục và Đào tạo"),
    ("®\xadîc kh«ng nh÷ng", "được không những"),
    ("§¶NG CéNG S¶N", "ĐẢNG CỘNG SẢN"),  # capitals typed with lowercase codes
]
KNOWN_VNI = [
    ("Tröôøng ñaïi hoïc", "Trường đại học"),
    ("Vieät Nam", "Việt Nam"),
    ("Haø Noäi", "Hà Nội"),
    ("Ñaûng Coäng saûn Vieät Nam", "Đảng Cộng sản Việt Nam"),
    ("Thuû töôùng Chính phuû", "Thủ tướng Chính phủ"),
    ("vaø cuûa ñöôïc khoâng", "và của được không"),
    ("ÑAÛNG COÄNG SAÛN VIEÄT NAM", "ĐẢNG CỘNG SẢN VIỆT NAM"),
    ("Aù hoaù cô", "Á hoá cơ"),
    ("Ñaø Naüng", "Đà Nẵng"),
]


@pytest.mark.parametrize("legacy, unicode", KNOWN_TCVN3)
def test_known_tcvn3_strings(legacy, unicode):
    assert tcvn3_to_unicode(legacy) == unicode


@pytest.mark.parametrize("legacy, unicode", KNOWN_VNI)
def test_known_vni_strings(legacy, unicode):
    assert vni_to_unicode(legacy) == unicode


def test_tcvn3_title_case_words_stay_title_case():
    assert tcvn3_to_unicode("Hµ Néi vµ §µ N½ng") == "Hà Nội và Đà Nẵng"
    assert tcvn3_to_unicode("hµ néi", uppercase=True) == "HÀ NỘI"


# ---- Detection and repair of whole texts -----------------------------------------------------
@pytest.mark.parametrize("sentence", SENTENCES)
def test_tcvn3_sentence_round_trip(sentence):
    legacy = to_tcvn3(sentence)
    assert detect_legacy(legacy) == "tcvn3"
    assert repair_text(legacy) == (tcvn3_can_say(sentence), "tcvn3")


@pytest.mark.parametrize("sentence", SENTENCES)
def test_vni_sentence_round_trip(sentence):
    legacy = to_vni(sentence)
    assert detect_legacy(legacy) == "vni"
    assert repair_text(legacy) == (sentence, "vni")


@pytest.mark.parametrize("sentence", SENTENCES)
def test_mojibake_sentence_round_trip(sentence):
    assert fix_mojibake(mojibake(sentence)) == sentence
    assert repair_text(mojibake(sentence)) == (sentence, "utf8-as-cp1252")


@pytest.mark.parametrize("sentence", SENTENCES)
def test_cp1258_read_as_cp1252_round_trip(sentence):
    misread = cp1258_bytes(sentence).decode("cp1252")
    assert repair_text(misread) == (sentence, "cp1258")


@pytest.mark.parametrize("text", SENTENCES + ENGLISH + ["\n".join(SENTENCES), ""])
def test_no_false_positive_on_unicode_vietnamese_and_english(text):
    assert detect_legacy(text) is None
    assert detect_legacy(text, ".VnTime") is None
    assert detect_legacy(text, "VNI-Times") is None
    assert fix_mojibake(text) is None
    assert repair_text(text) == (text, None)
    assert repair_text(text, ".VnTime, .VnTimeH") == (text, None)


@pytest.mark.parametrize("legacy, label", [
    ("vµ", "tcvn3"), ("cña", "tcvn3"), ("®\xadîc", "tcvn3"), ("kh«ng", "tcvn3"),
    ("Hµ Néi", "tcvn3"), ("vaø", "vni"), ("cuûa", "vni"), ("ñöôïc", "vni"), ("khoâng", "vni"),
    ("Haø Noäi", "vni"),
])
def test_detection_is_robust_on_short_text(legacy, label):
    assert detect_legacy(legacy) == label


def test_font_hint_decides_when_the_text_alone_is_not_enough():
    # Two legacy words among many that read the same either way: too little evidence
    # without the font name, enough with it.
    weak = "Lµo Cai, Sµi Gßn: và là " * 1 + "cà phê và trà " * 3
    assert detect_legacy(weak) is None
    assert detect_legacy(weak, '"Times New Roman", .VnTime') == "tcvn3"
    assert repair_text(weak, ".VnTime")[0].startswith("Lào Cai, Sài Gòn")
    vni = "Laøo Cai, Saøi Goøn: " + "cà phê và trà " * 3
    assert detect_legacy(vni) is None and detect_legacy(vni, "VNI-Times") == "vni"
    assert detect_legacy(weak, "VNI-Times") is None  # the hint never forces a wrong table


def test_a_font_hint_alone_does_not_fire_on_one_word():
    assert detect_legacy("Lµo Cai", ".VnTime") is None
    assert detect_legacy("30 µm", ".VnTime") is None


def test_h_font_hint_gives_capitals():
    assert repair_text("tr\xadêng ®¹i häc", ".VnTimeH") == ("TRƯỜNG ĐẠI HỌC", "tcvn3")


def test_mixed_text_converts_only_its_legacy_paragraphs():
    text = "Trang chủ | Tin tức\n" + to_tcvn3(SENTENCES[0]) + "\nLiên hệ: Toà soạn"
    assert repair_text(text) == ("Trang chủ | Tin tức\n" + SENTENCES[0] + "\nLiên hệ: Toà soạn",
                                 "tcvn3")
    text = "Trang chủ\n" + to_vni(SENTENCES[3])
    assert repair_text(text) == ("Trang chủ\n" + SENTENCES[3], "vni")


MOJIBAKE = [
    ("Huyá»‡n á»§y", "Huyện ủy"),
    ("Ä\x90áº£ng bá»™ tá»‰nh", "Đảng bộ tỉnh"),
    ("Ä\ufffdÃ  Náºµng", "Đà Nẵng"),            # a strict decoder lost the 0x90 of Đ
    ("vÃ  lÃ  cá»§a", "và là của"),              # NBSP lost to whitespace cleaning
    ("â€œHÃ\xa0 Ná»™iâ€\x9d", "“Hà Nội”"),
    ("Huyện ủy Huyá»‡n á»§y", "Huyện ủy Huyện ủy"),  # mixed line
    ("HuyÃ¡Â»â€¡n", "Huyện"),                   # encoded twice
]


@pytest.mark.parametrize("broken, fixed", MOJIBAKE)
def test_fix_mojibake(broken, fixed):
    assert fix_mojibake(broken) == fixed


def test_utf8_read_as_latin1_with_c1_controls_is_repaired_foreign_letters_and_all():
    """A page saved after its UTF-8 was read as latin-1 prints "Heâ\x80\x99s" for "He’s":
    the C1 controls prove the misreading (no text types them), so the page is repaired,
    other languages' letters included ("FaÃ§ade"), instead of refused as garbage."""
    broken = "Heâ\x80\x99s back at the FaÃ§ade cafÃ©, and he doesnâ\x80\x99t know why."
    assert fix_mojibake(broken) == "He’s back at the Façade café, and he doesn’t know why."
    text = ("Heâ\x80\x99s a tattooed bad-boy with a bad attitude to match. " * 8)
    assert repair_text(text) == (text.replace("â\x80\x99", "’"), "utf8-as-cp1252")


@pytest.mark.parametrize("text", [
    "ĐÃ\xa0KÝ KẾT", "GIÁ XĂNG “GIẢM”", "Ô»", "Hôm nay… “Ừ”", "Ê–Ô—",
    "Ðà Nẵng", "naïve café", "Ông Ân Ân",
])
def test_fix_mojibake_leaves_real_text_alone(text):
    assert fix_mojibake(text) is None


@pytest.mark.parametrize("garbage, reason", [
    ("Huy\ufffdn \ufffd\ufffd\ufffd", "replacement"),
    ("T\ufffdn", "replacement"),
    ("\x01\x02\x03 Hà Nội \x04\x05", "control"),
    ("Tin\x10 mới", "control"),
    ("Tin \x10", "control"),              # a mark forgiven only 1 in 40 characters
])
def test_garbage_raises(garbage, reason):
    with pytest.raises(UndecodableError, match=reason):
        repair_text(garbage)


def test_stray_controls_between_spaces_are_not_garbage():
    """An editor's paste can leave a control character standing alone between words (1 in
    180 characters on a real page); the text is sound and normalize deletes the marks. The
    same share of controls inside words is a wrong decoding and still raises."""
    sentence = "Mỗi nucleotide gồm một trong bốn base nitơ khác nhau. \x06 "
    assert repair_text(sentence * 3) == (sentence * 3, None)
    with pytest.raises(UndecodableError, match="control"):
        repair_text(sentence.replace(" \x06 ", " ba\x06se ") * 3)


@pytest.mark.parametrize("text", [
    "Tin " + "\x01 " * 100,                                    # a spaced-out run: garbage
    # C1 (a misread ellipsis) and a separator (normalize makes it a line break), as sparse
    # as stray marks are forgiven (1 in 80 characters)
    ("Ông ấy nói rằng \x85 rồi im lặng, phóng viên hỏi lại lần nữa mà không được trả lời. " * 3),
    ("Hà Nội \x1c Sài Gòn là hai thành phố lớn nhất của cả nước, đông dân và sôi động. " * 3),
])
def test_controls_that_are_no_stray_marks_still_count(text):
    with pytest.raises(UndecodableError, match="control"):
        repair_text(text)


def test_undecodable_error_is_a_value_error():
    assert issubclass(UndecodableError, ValueError)
    assert set(LABELS) == {"tcvn3", "vni", "utf8-as-cp1252", "cp1258"}


def test_a_long_text_tolerates_one_stray_replacement_character():
    text = " ".join(SENTENCES * 3) + " \ufffd"
    assert repair_text(text) == (text, None)


def test_the_garbage_threshold_is_a_share_not_a_count():
    """A few lost letters do not drop a long article; the same few in a short text do."""
    text = " ".join(SENTENCES * 6)
    few = text.replace("ư", "\ufffd", 4)
    assert 4 * 200 < len(few) and repair_text(few) == (few, None)
    with pytest.raises(UndecodableError):
        repair_text(few[:4 * 200 - 1])


# A made-up 8-bit encoding (as VISCII or VPS would look): legacy, but in no table of ours.
_UNKNOWN = {c: chr(0xC0 + (7 * i) % 64) for i, c in enumerate(sorted(VIETNAMESE_LETTERS))}


def unknown_legacy(text: str) -> str:
    return "".join(_UNKNOWN.get(c, c) for c in text)


def test_unknown_legacy_text_is_refused():
    text = unknown_legacy(" ".join(SENTENCES))
    with pytest.raises(UndecodableError, match="legacy encoding not recognised"):
        repair_text(text, ".VnTime")
    with pytest.raises(UndecodableError, match="legacy encoding not recognised"):
        repair_text(text)


# ---- Pages -----------------------------------------------------------------------------------
def page(body: str, head: str = "") -> str:
    return (f'<!DOCTYPE html><html><head>{head}<title>Bao Binh Thuan</title></head><body>'
            f'<div class="main" id="content-1">{body}</div>'
            '<script>var x = "a<b";</script></body></html>')


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", html))


BODY = "".join(f"<p>{s}</p>" for s in SENTENCES)
META_1252 = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'


def test_decode_utf8_page():
    html = page(BODY, '<meta charset="utf-8">')
    assert decode_html(html.encode("utf-8")) == (html, "utf-8")
    assert decode_html(html.encode("utf-8"), "UTF-8") == (html, "utf-8")


def test_decode_utf8_page_with_bom_and_no_declaration():
    html = page(BODY)
    assert decode_html(b"\xef\xbb\xbf" + html.encode("utf-8")) == (html, "utf-8")
    assert decode_html(html.encode("utf-8")) == (html, "utf-8")


def test_decode_windows_1258_page_is_recomposed():
    html = page(BODY, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">')
    text, label = decode_html(cp1258_bytes(html))
    assert label == "windows-1258"
    assert text == html and unicodedata.is_normalized("NFC", text)


def test_http_charset_wins_and_a_wrong_one_falls_back():
    html = page(BODY, '<meta charset="windows-1258">')
    assert decode_html(cp1258_bytes(html), "windows-1258")[1] == "windows-1258"
    assert decode_html(cp1258_bytes(html), "utf-8")[0] == html  # not UTF-8: the meta decides


@pytest.mark.parametrize("fonts", [
    '<style>body { font-family: ".VnTime", serif }</style>',
    '<style>h1 { font-family: .VnTimeH } p { font-family: .VnTime; }</style>',
    "",  # no font name at all: the letter statistics alone
])
def test_decode_tcvn3_page(fonts):
    html = page(to_tcvn3(BODY), META_1252 + fonts)
    text, label = decode_html(html.encode("cp1252"))
    assert label == "tcvn3"
    for sentence in SENTENCES:
        assert tcvn3_can_say(sentence) in visible(text)
    assert '<div class="main" id="content-1">' in text and 'var x = "a<b";' in text


def test_decode_tcvn3_page_with_soft_hyphen_entities_and_attributes():
    body = '<img alt="{0}" src="/a.jpg"><p>{1}</p>'.format(
        to_tcvn3("Tuyến đường ven biển"), to_tcvn3(SENTENCES[8]).replace("\xad", "&shy;"))
    text, label = decode_html(page(body, META_1252).encode("cp1252"), "iso-8859-1")
    assert label == "tcvn3"
    assert 'alt="Tuyến đường ven biển"' in text and SENTENCES[8] in text


def test_decode_tcvn3_page_keeps_its_unicode_parts():
    body = "<nav>Trang chủ | Thời sự | Liên hệ</nav>" + to_tcvn3(BODY)
    text, label = decode_html(page(body, META_1252).encode("cp1252", errors="xmlcharrefreplace"))
    assert label == "tcvn3"
    assert "Trang chủ | Thời sự | Liên hệ" in html_module.unescape(text)  # &#7911; ...
    assert SENTENCES[4] in visible(text)


@pytest.mark.parametrize("fonts", ['<font face="VNI-Times">', ""])
def test_decode_vni_page(fonts):
    html = page(fonts + to_vni(BODY), META_1252)
    text, label = decode_html(html.encode("cp1252"))
    assert label == "vni"
    for sentence in SENTENCES:
        assert sentence in visible(text)


def test_decode_utf8_declared_as_latin1():
    html = page(BODY, '<meta charset="iso-8859-1">')
    text, label = decode_html(html.encode("utf-8"))
    assert (text, label) == (html, "utf8-as-cp1252")


def test_decode_page_holding_double_encoded_text():
    html = page(mojibake(BODY), '<meta charset="utf-8">')
    text, label = decode_html(html.encode("utf-8"))
    assert label == "utf8-as-cp1252"
    assert all(s in text for s in SENTENCES)


def test_decode_cp1258_page_declared_as_windows_1252():
    html = page(BODY, META_1252)
    text, label = decode_html(cp1258_bytes(html))
    assert label == "cp1258"
    assert all(s in text for s in SENTENCES)


def test_decode_english_latin1_page_untouched():
    html = page("".join(f"<p>{s}</p>" for s in ENGLISH), META_1252)
    assert decode_html(html.encode("cp1252")) == (html, "windows-1252")


def test_decode_random_bytes_raises():
    body = random.Random(7).randbytes(5000)
    with pytest.raises(UndecodableError, match="control"):
        decode_html(body)


def test_decode_page_full_of_replacement_characters_raises():
    html = page(BODY.replace("ư", "\ufffd"), '<meta charset="utf-8">')
    with pytest.raises(UndecodableError, match="replacement"):
        decode_html(html.encode("utf-8"))


def test_decode_unknown_legacy_page_raises():
    html = page(unknown_legacy(BODY), META_1252 + '<style>p{font-family:.VnTime}</style>')
    with pytest.raises(UndecodableError, match="legacy encoding not recognised"):
        decode_html(html.encode("cp1252"))


REAL_PAGES = Path(os.environ.get("VNNEWS_REAL_PAGES", Path(__file__).resolve().parents[2]
                                 / "shared" / "real-pages"))


@pytest.mark.skipif(not REAL_PAGES.is_dir(), reason=f"real pages not found at {REAL_PAGES}")
def test_real_unicode_pages_are_left_alone():
    pages = sorted(REAL_PAGES.glob("*.html"))
    assert pages
    for path in pages:
        body = path.read_bytes()
        assert decode_html(body) == (body.decode("utf-8"), "utf-8"), path.name


def test_decode_page_tolerates_a_few_broken_bytes_in_a_long_page():
    body = page(BODY * 5, '<meta charset="utf-8">').encode("utf-8") + b"<p>\xff</p>"
    text, label = decode_html(body)
    assert label == "utf-8" and text.count("\ufffd") == 1


@pytest.mark.parametrize("declared, head", [
    ("TCVN3", ""),                                          # a legacy charset name
    (None, "<style>p { font: 12pt .VnTime }</style>"),      # the CSS shorthand
    ("iso-8859-1", '<p><font face=".VnArial">'),
])
def test_decode_tcvn3_hints(declared, head):
    weak = to_tcvn3("Lào Cai, Sài Gòn: ") + "cà phê và trà " * 3
    text, label = decode_html(page(f"<p>{weak}</p>", head).encode("cp1252"), declared)
    assert label == "tcvn3" and "Lào Cai, Sài Gòn" in text


def test_decode_h_font_page_gives_capitals():
    html = page(f"<h1>{to_tcvn3('trường đại học sư phạm')}</h1>",
                META_1252 + "<style>h1 { font-family: .VnTimeH }</style>")
    text, label = decode_html(html.encode("cp1252"))
    assert label == "tcvn3" and "<h1>TRƯỜNG ĐẠI HỌC SƯ PHẠM</h1>" in text


# ---- The fast path for clean Unicode pages ---------------------------------------------------
FOOTER = "<footer><p>© 2025 Báo Bình Thuận. All rights reserved.</p><a>×</a></footer>"


def no_trials(monkeypatch):
    """Make the legacy and mojibake trials fail loudly if they run."""
    def boom(*args, **kwargs):
        raise AssertionError("the repair trials ran")
    monkeypatch.setattr(encoding, "_diagnose", boom)


def test_clean_utf8_page_skips_the_trials(monkeypatch):
    no_trials(monkeypatch)
    html = page(BODY + FOOTER, '<meta charset="utf-8">')   # a lone © or × is no evidence
    assert decode_html(html.encode("utf-8"), "utf-8") == (html, "utf-8")
    assert repair_text(" ".join(SENTENCES)) == (" ".join(SENTENCES), None)


def test_fast_path_still_refuses_garbage(monkeypatch):
    no_trials(monkeypatch)
    html = page(BODY.replace("ư", "\ufffd"), '<meta charset="utf-8">')
    with pytest.raises(UndecodableError, match="replacement"):
        decode_html(html.encode("utf-8"))


@pytest.mark.parametrize("body, label", [
    (to_tcvn3(BODY), "tcvn3"),        # TCVN3 letters inside a UTF-8 page: the statistics decide
    (to_vni(BODY), "vni"),
    (mojibake(BODY), "utf8-as-cp1252"),
])
def test_utf8_pages_holding_legacy_text_are_still_repaired(body, label):
    html = page(body + FOOTER, '<meta charset="utf-8">')
    text, found = decode_html(html.encode("utf-8"), "utf-8")
    assert found == label
    assert SENTENCES[4] in visible(text)


def test_a_legacy_font_name_skips_the_fast_path(monkeypatch):
    no_trials(monkeypatch)
    html = page(BODY, '<meta charset="utf-8"><style>p { font-family: .VnTime }</style>')
    with pytest.raises(AssertionError, match="trials ran"):
        decode_html(html.encode("utf-8"))
