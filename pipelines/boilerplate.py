"""Remove navigation boilerplate from article text: block headings ("Các tin khác",
"Tin liên quan", ...) together with the headlines listed under them, one-line labels
(share/print/follow buttons, copyright and licence lines), and the paper's colophon printed
below the article (licence, editor, address, contacts: strip_colophon)."""
from __future__ import annotations

import re

from scrapy.utils.misc import load_object

from pipelines.text_keys import line_key
from pipelines.items import any_item

# A heading that opens a block of links: the heading and the headlines under it go.
BLOCK_HEADINGS = (
    "tin liên quan", "tin cùng chuyên mục", "các tin khác", "tin khác", "tin đã đưa",
    "xem thêm", "đọc thêm", "đọc nhiều", "đọc nhiều nhất", "xem nhiều", "xem nhiều nhất",
    "mới nhất", "tin mới nhất", "tin mới", "tin mới cập nhật", "liên kết website", "liên kết",
    "bài viết liên quan", "bài liên quan", "có thể bạn quan tâm", "bạn có thể quan tâm",
    "tin nổi bật", "nổi bật", "tin nóng", "tin tiêu điểm", "tin địa phương", "tin ảnh",
    "phản hồi", "bình luận", "ý kiến bạn đọc", "gửi bình luận", "gửi ý kiến", "ý kiến",
    "viết bình luận", "tin bài liên quan", "cùng chuyên mục", "chủ đề", "video nổi bật",
    "bài viết mới", "bài viết mới nhất", "bình luận mới nhất", "bình luận nội dung mới nhất",
    "rao vặt", "tin rao vặt",
)
# A line that is only a label: it goes alone.
LABEL_LINES = (
    "chia sẻ", "in bài", "in trang", "lưu", "gửi", "copy link", "sao chép link", "facebook",
    "zalo", "twitter", "email", "tags", "từ khóa", "từ khoá", "về đầu trang", "quay lại",
    "trở về", "bản in", "theo dõi", "thích", "bình chọn", "đánh giá", "nghe bài viết",
    "nghe đọc", "cỡ chữ", "xem bản đầy đủ", "chia sẻ bài viết", "chia sẻ bài này",
)
# Lines starting with these are footer/licence/share lines.
LABEL_PREFIXES = (
    "©", "copyright", "bản quyền", "giấy phép", "cấm sao chép", "ghi rõ nguồn", "trụ sở",
    "tổng biên tập", "phó tổng biên tập", "chịu trách nhiệm", "theo dõi báo", "chia sẻ qua",
    "chia sẻ lên", "đường dây nóng", "hotline", "liên hệ quảng cáo", "tags:", "từ khóa:",
    "từ khoá:", "tag:", "nguồn:", "xem thêm:", "đọc thêm:", "tin liên quan:",
    "tham khảo:", "nguồn tham khảo", "mời bạn đọc vào chuyên mục", "mời quý độc giả xem",
    "xem thêm chủ đề",
    # a photo's credit or caption left in the body ("Ảnh minh họa / Vietnam+", "Ảnh: TTXVN")
    "ảnh minh họa", "ảnh minh hoạ", "ảnh:",
)
_BULLET = "*•→-– "      # "* Mời bạn đọc vào chuyên mục Y tế ...": a label behind a bullet
_SENTENCE_END = re.compile(r"[.!?…:;”\"»]$")
HEADLINE_MAX_WORDS = 30


def _is_heading(key: str, extra: frozenset[str]) -> bool:
    return key in BLOCK_HEADINGS or key in extra


def _bare(line: str) -> str:
    """The line as labels are matched: trimmed, without a bullet, casefolded."""
    return line.strip().lstrip(_BULLET).casefold()


def _is_label(key: str, line: str, extra: tuple[str, ...]) -> bool:
    lowered = _bare(line)
    return (key in LABEL_LINES or lowered.startswith(LABEL_PREFIXES)
            or any(lowered.startswith(p.casefold()) for p in extra)
            or is_comment_notice(lowered))


# The rules printed above a comment form ("Bạn đọc thảo luận bằng tiếng Việt có dấu", "Ý kiến
# của bạn đọc không nhất thiết thể hiện quan điểm của ..."): readers, their comments, and two
# or more of the form's own terms, in one short line (a news sentence may use one of them).
_NOTICE_READERS = ("bạn đọc", "độc giả", "quý vị")
_NOTICE_COMMENTS = ("bình luận", "ý kiến", "thảo luận", "phản hồi")
_NOTICE_TERMS = ("tiếng việt có dấu", "không nhất thiết thể hiện quan điểm",
                 "có thể được biên tập", "được lược trích", "xem xét trước khi đăng")


NOTICE_MAX_WORDS = 80


def is_comment_notice(lowered: str) -> bool:
    """A casefolded line that is a comment form's notice to readers."""
    return (len(lowered.split()) <= NOTICE_MAX_WORDS
            and sum(t in lowered for t in _NOTICE_TERMS) >= 2
            and any(r in lowered for r in _NOTICE_READERS)
            and any(c in lowered for c in _NOTICE_COMMENTS))


def looks_like_headline(line: str) -> bool:
    """A related-news title: short, no sentence punctuation at the end."""
    return len(line.split()) <= HEADLINE_MAX_WORDS and not _SENTENCE_END.search(line.strip())


# The paper's colophon printed at the foot of every page: who publishes it (licence,
# copyright, editor in chief: no article ends on these), its officers, address and contacts.
# Below the article's last sentence, a publisher line followed by nothing but colophon lines
# is the page footer, together with the officers named just above it ("Giám đốc: ...").
COLOPHON_PUBLISHER = (
    "©", "copyright", "bản quyền", "giấy phép", "ghi rõ nguồn", "cơ quan chủ quản",
    "tổng biên tập", "phó tổng biên tập", "chịu trách nhiệm", "cấm sao chép",
)
COLOPHON_ROLES = COLOPHON_PUBLISHER + (
    "giám đốc", "tổng giám đốc", "phó giám đốc", "thư ký tòa soạn", "thư ký toà soạn",
    "tòa soạn", "toà soạn", "văn phòng", "trụ sở", "địa chỉ", "điện thoại", "đt:", "tel:",
    "tel.", "fax", "email", "e-mail", "hotline", "đường dây nóng", "liên hệ", "cơ quan",
    "website", "thiết kế", "phụ trách", "xuất bản", "®",
)
# An officer named above the publisher line: the title, then a colon ("Giám đốc Sở Y tế:
# Cảm ơn báo!" is an interview's answer, not the paper's director). "tòa" and "toà" are
# the two printings of one word.
_OFFICER = re.compile(r"^(phó |tổng )*(biên tập|giám đốc|thư ký t(?:òa|oà) soạn)\s*:", re.I)
# A licence line ("Giấy phép số 146/GP-BVHTTDL, cấp ngày ..."): it may end in a full stop,
# but is no sentence of the article. Other lines opening like a publisher's may be one
# ("Cơ quan chủ quản của dự án là Bộ Giao thông vận tải.").
_LICENCE = re.compile(r"\d+/GP\b|\bGP-|cấp ngày|giấy phép số", re.I)
OFFICER_MAX_WORDS = 10
# An e-mail address, or a phone number standing alone (not the digits of an amount:
# "1.000.000.000 đồng").
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"
                      r"|(?<![\d.,])\(?0\d{2,3}\)?[ .-]?\d{3,4}[ .-]?\d{3,4}(?![.,]?\d)")
# A sentence for this rule: ten words or more, ending like one. A line ending in ":" opens
# what follows, which the rule must not take for the article's end (anchor.is_prose, which
# judges where an article is printed, counts it as prose).
_PROSE_END = re.compile(r"[.!?…]['\"”’»)]*$")
PROSE_MIN_WORDS = 10


def _publisher(line: str) -> bool:
    return _bare(line).startswith(COLOPHON_PUBLISHER)


def _is_sentence(line: str) -> bool:
    """The article's own sentence: a licence line ending in a full stop is none."""
    return (len(line.split()) >= PROSE_MIN_WORDS and bool(_PROSE_END.search(line.strip()))
            and not (_publisher(line) and _LICENCE.search(line)))


def _colophon_line(line: str) -> bool:
    return _bare(line).startswith(COLOPHON_ROLES) or bool(_CONTACT.search(line))


def _officer(line: str) -> bool:
    return len(line.split()) <= OFFICER_MAX_WORDS and bool(_OFFICER.match(line.strip()))


def strip_colophon(lines: list[str]) -> list[str]:
    """Lines without the page's colophon below the last sentence: from a publisher line on,
    when every line after it is a colophon line, and the officer lines right above it. An
    article closing on its own notice ("Địa chỉ: ...", "Liên hệ: ...") keeps it, and so does
    one whose list or table goes on after a line that merely opens like a publisher's
    ("Giấy phép lái xe: 135.000 đồng"; the label rule drops that line alone)."""
    last_sentence = max((i for i, line in enumerate(lines) if _is_sentence(line)), default=-1)
    for i in range(last_sentence + 1, len(lines)):
        if _publisher(lines[i]) and all(map(_colophon_line, lines[i + 1:])):
            start = i
            while start - 1 > last_sentence and _officer(lines[start - 1]):
                start -= 1
            return lines[:start]
    return lines


def strip_boilerplate(lines: list[str], extra_phrases: tuple[str, ...] = ()) -> list[str]:
    """Lines without boilerplate. `extra_phrases` are a site's own labels (prefix match)."""
    lines = strip_colophon(lines)
    extra_keys = frozenset(line_key(p) for p in extra_phrases)
    kept: list[str] = []
    in_block = False
    for line in lines:
        key = line_key(line)
        if _is_heading(key, extra_keys):
            in_block = True
            continue
        if in_block and looks_like_headline(line):
            continue
        in_block = False
        if not key or _is_label(key, line, extra_phrases):
            continue
        kept.append(line)
    return kept


def clean_article(article, extra_phrases: tuple[str, ...] = ()):
    """Strip boilerplate from an article's text; forget a lead that was boilerplate."""
    lines = strip_boilerplate(article.text.splitlines(), extra_phrases)
    if article.lead and (not lines or line_key(lines[0]) != line_key(article.lead)):
        article.lead = None
    article.text = "\n".join(lines)
    return article


class BoilerplatePipeline:
    """Scrapy step: strip boilerplate lines from `text`. A site's own phrases come from the
    callable the BOILERPLATE_SITE_PHRASES setting names (dotted path, site id -> phrases;
    ours reads the site registry); unset, only the built-in phrases apply."""

    def __init__(self, site_phrases=None):
        self.site_phrases = site_phrases or (lambda site_id: ())

    @classmethod
    def from_crawler(cls, crawler):
        loader = crawler.settings.get("BOILERPLATE_SITE_PHRASES")
        return cls(load_object(loader) if loader else None)

    @any_item
    def process_item(self, item):
        return clean_article(item, self.site_phrases(item.site))
