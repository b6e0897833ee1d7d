"""Bylines: who wrote the article, told apart from who published it.

Vietnamese papers often print the byline as the last paragraph of the body ("Hà Thu (tổng
hợp)", "NHẬT XUÂN - NGHI VŨ", "Theo Hồ Hương") while their meta tags name the paper
("VnExpress", "NLD.COM.VN", "baochinhphu.vn"). A byline line is names only: every word of a
name starts with a capital (Vietnamese headlines and sentences are sentence case)."""
from __future__ import annotations

import re

from crawler.pages.html_text import text_key as line_key
from pipelines.boilerplate import BLOCK_HEADINGS

_CREDIT = re.compile(r"\s*\([^()]{1,40}\)$")          # "(tổng hợp)", "(theo Reuters)"
_LEAD_IN = re.compile(r"^(bài và ảnh|bài, ảnh|bài|theo|nhóm)\s*:?\s+", re.I)
_NAME_SEP = re.compile(r"\s+[-–—]\s+|\s*,\s*|\s+và\s+|\s*/\s*")
# Professional titles before a name ("Bác sĩ Trần Thanh Vỹ", "ThS. BS Lê An").
_HONORIFIC = re.compile(r"^((bác sĩ|bs|thạc sĩ|ths|tiến sĩ|ts|pgs|gs|luật sư|ls|dược sĩ|ds|"
                        r"kỹ sư|ks|nhà báo)\.?\s+)+", re.I)
_WHOLE_CREDIT = re.compile(r"^\([^()]{1,60}\)$")    # a signature's second line: "(BV Chợ Rẫy)"
_PUBLISHER_WORDS = re.compile(r"(^|\s)(báo|online|news|corp|tạp chí|đài|cổng thông tin|"
                              r"truyền hình|media|jsc)(\s|$)", re.I)
MAX_NAME_WORDS = 5
_LIST_TITLES = frozenset(line_key(title) for title in BLOCK_HEADINGS)
# Words of a list's title that no Vietnamese name uses ("TIN TỨC KHÁC", "Bài Viết Khác",
# "Video Khác", "CÁC TIN ĐÃ ĐƯA"; "Liên", "Quan" alone are names, "liên quan" is not).
_LIST_WORDS = frozenset("tin bài khác video clip xem đọc thêm".split())
_LIST_PHRASES = re.compile(r"\b(liên quan|chuyên mục|cùng mục|đã đưa|nổi bật|tiêu điểm|mới nhất)\b")


def names_a_list(text: str) -> bool:
    """The text is, or reads as, the title of a list of stories ("Tin khác", "TIN TỨC
    KHÁC", "Bài viết liên quan")."""
    key = line_key(text)
    if key in _LIST_TITLES:
        return True
    if ":" in text or _CREDIT_LEAD.match(text.strip()):
        return False            # a credit ("Tin, ảnh: Minh Anh", "Tin và ảnh Minh Anh")
    return bool(_LIST_WORDS & set(key.split())) or bool(_LIST_PHRASES.search(key))


_CREDIT_LEAD = re.compile(r"(tin|bài|ảnh)\s*(,|và|-|/|&)\s*(ảnh|bài|tin)\b", re.I)
MAX_BYLINE_CHARS = 80


def looks_like_byline(line: str) -> bool:
    """Names only: 1-5 capitalised words per name, a trailing "(credit)" allowed; no list's
    title ("TIN TỨC KHÁC", "Tin Liên Quan" are capitalised like names)."""
    text = _LEAD_IN.sub("", _CREDIT.sub("", line.strip()))
    if not text or len(line) > MAX_BYLINE_CHARS or re.search(r"\d|:|[.!?;]$", text):
        return False
    if names_a_list(text):
        return False
    names = [n for n in _NAME_SEP.split(text) if n]
    return bool(names) and all(_is_name(n) for n in names)


def _is_name(name: str) -> bool:
    words = _HONORIFIC.sub("", name).split()
    return 0 < len(words) <= MAX_NAME_WORDS and all(w[0].isupper() for w in words)


def is_publisher(name: str | None, publishers: list[str]) -> bool:
    """True for a paper's own name or domain given as the author (meta tags do this)."""
    if not name:
        return False
    key = line_key(name)
    if name.startswith("http") or ("." in name.strip(". ") and " " not in name.strip()):
        return True
    if _PUBLISHER_WORDS.search(name):
        return True
    return bool(key) and any(f" {key} " in f" {line_key(p)} " for p in publishers if p)


def trailing_byline(lines: list[str]) -> tuple[int, str | None]:
    """(how many last lines sign the article, the byline): one line of names, or a name and
    under it its credit or affiliation in parentheses ("H.A" / "(Theo Readers Digest)")."""
    if not lines:
        return 0, None
    if looks_like_byline(lines[-1]):
        return 1, lines[-1]
    if len(lines) > 1 and _WHOLE_CREDIT.match(lines[-1].strip()) and looks_like_byline(
            f"{lines[-2].strip()} {lines[-1].strip()}"[:MAX_BYLINE_CHARS]):
        return 2, lines[-2].strip()
    return 0, None


def split_byline(lines: list[str], author: str | None,
                 publishers: list[str]) -> tuple[list[str], str | None]:
    """(lines without a trailing byline, author): the byline fills a missing author."""
    count, byline = trailing_byline(lines)
    if not count:
        return lines, author
    signed = line_key(" ".join(lines[-count:]))
    again, _ = trailing_byline(lines[:-count])      # the same signature printed twice
    if again and line_key(" ".join(lines[-count - again:-count])) == signed:
        count += again
    if author and not is_publisher(author, publishers):
        same = line_key(author) in line_key(byline) or line_key(byline) in line_key(author)
        # A lone line of names unlike the author may be prose (a list of people); a name
        # signed over its credit in parentheses is a signature whoever the author is.
        return (lines[:-count], author) if same or count == 2 else (lines, author)
    return lines[:-count], byline



_AUTHOR_LABELS = frozenset({"tác giả", "author", "nguồn", "source", "theo", "by"})


def author_name(byline: str | None) -> str | None:
    """The byline, unless it is only the label printed before one ("Tác giả"). A credit
    ("H.A (Theo Readers Digest)", "Theo Vietnamnet") stays: it says where the text came from."""
    text = (byline or "").strip()
    return None if not text or line_key(text) in _AUTHOR_LABELS else text
