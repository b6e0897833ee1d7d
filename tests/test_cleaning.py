"""Boilerplate, captions, quality gate, exact dedup: table-driven, with Vietnamese cases."""
import pytest

from crawler.items import Article
from pipelines.boilerplate import strip_boilerplate
from pipelines.captions import separate_captions
from pipelines.dedup import SeenKeys
from pipelines.drops import (DuplicateContent, DuplicateURL, NotAnArticle, NotVietnamese,
                             TooShort)
from pipelines.quality import check_article, vietnamese_share

BODY = ("Huyện ủy Tuy Phong cho biết, việc triển khai Kết luận số 01 của Bộ Chính trị "
        "được quan tâm, chỉ đạo thực hiện nghiêm túc.")


NOTICE_LIKE = [
    "Giáo viên yêu cầu học sinh viết tiếng Việt có dấu trong mọi bài kiểm tra.",
    "Sau khi bài báo đăng tải, nhiều bạn đọc gửi ý kiến cho rằng trường học cần dạy học sinh gõ "
    "tiếng Việt có dấu ngay từ lớp 1.",
    "Dưới đây là một số ý kiến của độc giả về đề xuất tăng học phí, được lược trích.",
    "Ông Minh cho rằng ý kiến của một chuyên gia không nhất thiết thể hiện quan điểm của cơ quan, "
    "và đề nghị bạn đọc cân nhắc khi tham khảo.",
    "Theo quy chế mới, mọi phản hồi của độc giả gửi đến chuyên mục sẽ được ban biên tập xem xét "
    "trước khi đăng, bà Lan cho biết.",
]


@pytest.mark.parametrize("lines, expected", [
    # the seed page's trailer: headings with nothing after them
    ([BODY, "Phản hồi", "Các tin khác", "Mới nhất", "Liên kết website"], [BODY]),
    # a related block with its headlines, then the article goes on
    ([BODY, "Tin liên quan", "Lúa gạo được mùa ở Bắc Bình", "Trường học mới ở Hàm Tân", BODY],
     [BODY, BODY]),
    # heading variants: case and trailing colon
    ([BODY, "CÁC TIN KHÁC:", "Tin một", "Tin hai"], [BODY]),
    # headlines with their date in brackets are still headlines
    ([BODY, "Các tin khác", "Bắc Bình: Phát huy vai trò người có uy tín (28/06/2024)"], [BODY]),
    # labels and licence lines alone
    (["Chia sẻ", BODY, "Giấy phép xuất bản số: 150/GP-BTTTT", "© Báo Bình Thuận"], [BODY]),
    # a long sentence after a heading is article text again, not a headline
    ([BODY, "Xem thêm", BODY + " Thêm câu nữa."], [BODY, BODY + " Thêm câu nữa."]),
    # a promo line behind a bullet, a reference credit, a photo credit left in the body
    ([BODY, "Ảnh minh họa / Vietnam+", BODY, "* Mời bạn đọc vào chuyên mục Y tế xem các tin, "
      "bài liên quan.", "Tham khảo: Lý Luận Cơ Bản Y Học Cổ Truyền"], [BODY, BODY]),
    # a blog's widget titles with their lists, a share label, a topics line
    ([BODY, "Chia sẻ bài viết", "Bài viết mới", "Cách làm bánh quy", "Bình luận mới nhất",
      "Lan: hay quá", "Xem thêm chủ đề: bánh, bếp núc"], [BODY]),
    # a sentence opening like a widget title is text
    ([BODY, "Bài viết mới của ông đăng trên tạp chí năm 2020 được nhiều người đọc."],
     [BODY, "Bài viết mới của ông đăng trên tạp chí năm 2020 được nhiều người đọc."]),
    # a comment form's notice to readers goes; news sentences using one of its terms stay
    ([BODY, "Báo hoan nghênh ý kiến của bạn đọc. Các thảo luận sẽ được xem xét trước khi đăng "
      "tải. Bạn đọc thảo luận bằng tiếng Việt có dấu.", *NOTICE_LIKE], [BODY, *NOTICE_LIKE]),
    # no boilerplate: untouched
    ([BODY, "Ông Nguyễn Văn A nói: “Chúng tôi sẽ làm tốt hơn.”"],
     [BODY, "Ông Nguyễn Văn A nói: “Chúng tôi sẽ làm tốt hơn.”"]),
])
def test_strip_boilerplate(lines, expected):
    assert strip_boilerplate(lines) == expected


BYLINE = "SONG NHI (Theo Medical News Today)"
COLOPHON = ["Giám đốc: HUỲNH HOÀNG MẾN",
            "Giấy phép số 789/GP-BTTTT, do Bộ Thông Tin và Truyền Thông cấp ngày 02-12-2021",
            "24 Trần Văn Hoài, P. Ninh Kiều, TP Cần Thơ - Điện thoại: (0292) 3830098",
            "Email: toasoan@baocantho.com.vn",
            "Liên hệ giao dịch quảng cáo, rao vặt: quangcao@baocantho.com.vn"]
NOTICE = ["Mọi chi tiết xin liên hệ: Phòng Văn hóa huyện", "Điện thoại: 0292 3830098",
          "Email: vanhoa@cantho.gov.vn"]


@pytest.mark.parametrize("lines, expected", [
    # the paper's footer below the article: officers, licence, address, contacts all go;
    # the byline above them stays
    ([BODY, BODY, BYLINE, *COLOPHON], [BODY, BODY, BYLINE]),
    # an article closing on its own contact notice keeps it: no publisher line follows
    ([BODY, BODY, *NOTICE], [BODY, BODY, *NOTICE]),
    # ... and keeps it when the paper's footer comes after it, past a line of the article
    ([BODY, *NOTICE, BYLINE, "Tổng biên tập: Nguyễn Văn B", "© Báo Cần Thơ"],
     [BODY, *NOTICE, BYLINE]),
    # a publisher-looking line above the last sentence cuts nothing after it (the label rule
    # drops that line alone)
    ([BODY, "© Ảnh: Nguyễn Văn A", BODY, BODY], [BODY, BODY, BODY]),
    # the article's own closing notice right above the paper's footer stays
    ([BODY, "Thời gian: 8 giờ ngày 15/12/2026", "Địa chỉ: Nhà văn hóa quận Ninh Kiều",
      "Liên hệ: chị Lan, điện thoại 0912 345 678", "Tổng biên tập: Nguyễn Văn B",
      "© Báo Cần Thơ"],
     [BODY, "Thời gian: 8 giờ ngày 15/12/2026", "Địa chỉ: Nhà văn hóa quận Ninh Kiều",
      "Liên hệ: chị Lan, điện thoại 0912 345 678"]),
    # a list going on after a line that opens like a licence: only that line goes
    ([BODY, "Mức phí cụ thể như sau:", "Giấy phép lái xe hạng A1: 135.000 đồng",
      "Đăng ký kết hôn: miễn phí"],
     [BODY, "Mức phí cụ thể như sau:", "Đăng ký kết hôn: miễn phí"]),
    # an interview's short last answer, an amount: no officer, no phone number
    ([BODY, "Giám đốc Sở Y tế: Cảm ơn báo!", "Copyright © Báo Cần Thơ"],
     [BODY, "Giám đốc Sở Y tế: Cảm ơn báo!"]),
    ([BODY, "Tổng kinh phí: 1.000.000.000 đồng", "Giấy phép số 789/GP-BTTTT", "Email: a@b.vn"],
     [BODY, "Tổng kinh phí: 1.000.000.000 đồng"]),
    ([BODY, "Giấy phép xây dựng số 12", "Tổng kinh phí: 1.000.000.000 đồng"],
     [BODY, "Tổng kinh phí: 1.000.000.000 đồng"]),
    # the article's last sentence opening like a publisher's line stays, with what follows
    ([BODY, "Cơ quan chủ quản của dự án là Bộ Giao thông vận tải, chủ đầu tư là Ban Quản lý "
      "dự án 6."],
     [BODY, "Cơ quan chủ quản của dự án là Bộ Giao thông vận tải, chủ đầu tư là Ban Quản lý "
      "dự án 6."]),
    # footer lines of every kind after the publisher line, officers spelled "tòa" or "toà"
    ([BODY, BYLINE, "Thư ký tòa soạn: Lê D", "Giấy phép số 789/GP-BTTTT",
      "Tòa soạn: 12 Hòa Bình, Ninh Kiều", "Website: baocantho.com.vn", "Thiết kế bởi VCCorp",
      "Văn phòng đại diện tại TP.HCM: 5 Lê Duẩn", "® Bản quyền thuộc Báo Cần Thơ"],
     [BODY, BYLINE]),
    # a licence line ending in a full stop is no sentence of the article: its colophon goes
    ([BODY, BYLINE, "Tổng biên tập: Nguyễn Văn B", "Giấy phép số 123/GP-BTTTT do Bộ Thông tin "
      "và Truyền thông cấp ngày 01/01/2020.", "Địa chỉ: 12 Lê Lợi", "Email: a@b.vn"],
     [BODY, BYLINE]),
])
def test_strip_colophon_below_the_last_sentence(lines, expected):
    assert strip_boilerplate(lines) == expected


def test_site_phrases_are_prefixes():
    assert strip_boilerplate([BODY, "Theo dõi Báo Lào Cai trên Google News"],
                             ("Theo dõi Báo Lào Cai trên",)) == [BODY]


LONG_PARA = " ".join([BODY] * 3)
CAPTION = "Huyện đoàn Tuy Phong khen thưởng các tập thể, cá nhân có thành tích."


@pytest.mark.parametrize("lines, captions, kept, found", [
    ([BODY, CAPTION, CAPTION, BODY], [], [BODY, BODY], [CAPTION]),          # printed twice
    ([BODY, CAPTION, BODY], [CAPTION], [BODY, BODY], [CAPTION]),            # known caption
    ([BODY, CAPTION.upper(), BODY], [CAPTION, CAPTION], [BODY, BODY], [CAPTION]),
    ([LONG_PARA, LONG_PARA], [], [LONG_PARA, LONG_PARA], []),               # long repeats stay
])
def test_separate_captions(lines, captions, kept, found):
    assert separate_captions(lines, captions) == (kept, found)


def article(text, title="Tiêu đề", **kw):
    return Article(url="https://a.vn/x-post1.html", site="t", title=title, text=text, **kw)


LONG = " ".join([BODY] * 6)


@pytest.mark.parametrize("item, drop", [
    (article(""), NotAnArticle),
    (article(LONG, title=""), NotAnArticle),
    (article(BODY), TooShort),
    (article(" ".join(["The council said the new road would open next year."] * 12)), NotVietnamese),
])
def test_quality_drops(item, drop):
    with pytest.raises(drop):
        check_article(item)


def test_quality_passes_vietnamese():
    check_article(article(LONG))
    assert vietnamese_share(LONG) > 0.5
    assert vietnamese_share("The quick brown fox") == 0


def test_seen_keys_drop_url_then_content():
    seen = SeenKeys({"https://a.vn/old-post0.html"}, set())
    first = article(LONG, content_hash="h1")
    seen.check_and_add(first)
    with pytest.raises(DuplicateURL):
        seen.check_and_add(article(LONG, content_hash="h2"))
    with pytest.raises(DuplicateContent):
        seen.check_and_add(Article(url="https://a.vn/other", site="t", content_hash="h1"))
    with pytest.raises(DuplicateURL):
        seen.check_and_add(Article(url="https://a.vn/old-post0.html", site="t", content_hash="h9"))
