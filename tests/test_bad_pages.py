"""Bad input through `extract`: no row and a one-line reason, or a correct decoding; never
mojibake in a row."""
import json
import unicodedata

import pytest

from conftest import run_cli
from test_encoding import mojibake, tcvn3_can_say, to_tcvn3

PARAGRAPHS = [
    "Sáng nay, Ủy ban nhân dân huyện tổ chức hội nghị tổng kết công tác phòng chống thiên tai "
    "năm qua và triển khai nhiệm vụ năm tới với sự tham dự của đại diện các xã, thị trấn.",
    "Theo báo cáo, trong năm qua trên địa bàn huyện đã xảy ra nhiều đợt mưa lớn kéo dài, gây "
    "sạt lở đất ở một số tuyến đường giao thông nông thôn và làm hư hỏng nhiều diện tích lúa.",
    "Chính quyền địa phương đã chủ động di dời hàng trăm hộ dân ra khỏi vùng nguy hiểm, hỗ trợ "
    "lương thực và vật liệu để người dân sớm ổn định cuộc sống sau mưa lũ.",
    "Năm tới, huyện tiếp tục rà soát các điểm có nguy cơ sạt lở, tăng cường tuyên truyền để "
    "người dân nắm rõ phương án ứng phó khi có thiên tai xảy ra trên địa bàn.",
]
PARAGRAPHS = [unicodedata.normalize("NFC", p) for p in PARAGRAPHS]
URL = "https://baothu-example.vn/thoi-su/tong-ket-phong-chong-thien-tai-post12345.html"


def article_html(paragraphs, head=""):
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head>{head}<title>Tổng kết phòng chống thiên tai</title></head><body>"
            f"<article><h1>Tổng kết phòng chống thiên tai</h1>{body}</article></body></html>")


def cp1252_bytes(text: str) -> bytes:
    """As a legacy page is served: windows-1252 bytes (C1 controls kept as their byte)."""
    def byte(c):
        try:
            return c.encode("cp1252")
        except UnicodeEncodeError:
            return bytes([ord(c)])
    return b"".join(map(byte, text))


def extract(tmp_path, data: bytes):
    page = tmp_path / "page.html"
    page.write_bytes(data)
    return run_cli("extract", page, "--url", URL)


def test_tcvn3_page_is_decoded(tmp_path):
    head = '<meta charset="windows-1252"><style>body{font-family:".VnTime"}</style>'
    html = to_tcvn3(article_html(PARAGRAPHS, head))       # markup is ASCII: unchanged
    result = extract(tmp_path, cp1252_bytes(html))
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)
    # TCVN3 has no toned capitals: "Ủy" was typed, and comes back, as "ủy"
    assert row["text"].splitlines() == [tcvn3_can_say(p) for p in PARAGRAPHS]
    assert row["title"] == "Tổng kết phòng chống thiên tai"


def test_utf8_mojibake_is_repaired(tmp_path):
    html = article_html([mojibake(p) for p in PARAGRAPHS])
    result = extract(tmp_path, html.encode("utf-8"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["text"].splitlines() == PARAGRAPHS


def test_lossy_mojibake_is_refused_not_stored(tmp_path):
    html = article_html(PARAGRAPHS).encode("utf-8").decode("cp1252", errors="replace")
    result = extract(tmp_path, html.encode("utf-8"))
    assert result.returncode == 1
    assert result.stderr.strip().startswith("vnnews: error: undecodable:")


@pytest.mark.parametrize("html, reason", [
    ("<html><body><div id='app'></div><script>render()</script></body></html>",
     "not an article: no body text"),
    (article_html(["Không tìm thấy trang bạn yêu cầu.", "Quay lại trang chủ"]), "too short"),
    # photo credits only: the cleaning chain removes them as credit lines
    (article_html(["Ảnh: Nguyễn Văn A", "Ảnh: Trần Thị B"]), "no body text left"),
    ('<html><head><meta property="og:type" content="video.other"></head><body><h1>Clip: lũ về'
     '</h1><video src="a.mp4"></video><p>Xem clip.</p></body></html>', "too short"),
])
def test_pages_without_an_article(tmp_path, html, reason):
    result = extract(tmp_path, html.encode("utf-8"))
    assert result.returncode == 1
    line, = result.stderr.strip().splitlines()
    assert reason in line


def test_garbage_bytes_are_undecodable(tmp_path):
    noise = bytes(range(128, 256)) * 40
    result = extract(tmp_path, b"<html><body><article><p>" + noise + b"</p></article></body></html>")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("vnnews: error: undecodable:")


def test_innermost_paragraph_of_a_10000_deep_nesting_is_kept():
    """libxml2 drops whatever lies under 256 nested elements; such a page is flattened."""
    from crawler.pages import extract_article
    deep = "<div>" * 10_000 + f"<p>{PARAGRAPHS[-1]}</p>" + "</div>" * 10_000
    article = extract_article(article_html(PARAGRAPHS[:-1]).replace("</article>", deep + "</article>"),
                              URL)
    assert article.text.splitlines()[-1] == PARAGRAPHS[-1]
