"""ArticlePage on handwritten pages: site selectors, fallbacks, captions, dates."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from crawler.pages import NoArticle, extract_article
from crawler.pages.dates import has_clock, parse_any, parse_printed
from crawler.sites.registry import Site, UrlRules

VN = ZoneInfo("Asia/Ho_Chi_Minh")
P1 = "Sáng 17/6, Ủy ban nhân dân tỉnh tổ chức hội nghị tổng kết công tác phòng chống thiên tai."
P2 = "Các địa phương đã chủ động sơ tán hàng trăm hộ dân khỏi vùng nguy cơ sạt lở đất."
PAGE = f"""<html><head><title>Tỉnh tổng kết phòng chống thiên tai | Báo Thử</title>
<link rel="canonical" href="/thoi-su/tong-ket-post77.html">
<meta property="og:title" content="OG tiêu đề">
<meta property="article:published_time" content="2025-06-17T06:43:00Z"></head>
<body><nav><a href="/">Trang chủ</a></nav>
<h1 class="title"> Tỉnh tổng kết  phòng chống thiên tai </h1>
<div class="meta"><span class="date">Thứ Ba, 17/06/2025 - 13:43</span><b class="by">Hà An</b></div>
<div class="sapo">Công tác phòng chống thiên tai năm nay đạt nhiều kết quả.</div>
<div class="body"><p>{P1}</p>
<figure><img src="a.jpg"><figcaption>Quang cảnh hội nghị.</figcaption></figure>
<p>{P2}<br>Dòng thứ hai của đoạn.</p>
<div class="related"><h3>Tin liên quan</h3><a href="/x">Tin khác một</a></div>
<script>var x = "không phải văn bản";</script></div>
<footer>Giấy phép xuất bản số 1</footer></body></html>"""
RULES = Site(id="thu", name="Báo Thử", domains=("baothu.vn",), province="Lâm Đồng",
             urls=UrlRules(article=(re.compile(r"-post\d+\.html$"),)),
             selectors={"title": ("h1.title",), "lead": (".sapo",), "body": (".body",),
                        "date": (".date",), "author": (".by",), "drop": (".related",)})


def test_site_rules_fields():
    a = extract_article(PAGE, "https://baothu.vn/tong-ket-post77.html?utm=x", RULES)
    assert a.extraction == "site-rules"
    assert a.url == "https://baothu.vn/thoi-su/tong-ket-post77.html"
    assert a.title == "Tỉnh tổng kết phòng chống thiên tai"
    assert a.lead == "Công tác phòng chống thiên tai năm nay đạt nhiều kết quả."
    assert a.text.splitlines() == [a.lead, P1, P2, "Dòng thứ hai của đoạn."]
    assert a.captions == ["Quang cảnh hội nghị."]
    assert a.author == "Hà An" and a.province == "Lâm Đồng"
    assert a.published_at == datetime(2025, 6, 17, 13, 43, tzinfo=VN)
    assert a.published_raw == "Thứ Ba, 17/06/2025 - 13:43"


def test_fallbacks_without_rules():
    site = Site(id="thu", name="Báo Thử", domains=("baothu.vn",))
    a = extract_article(PAGE, "https://baothu.vn/tong-ket-post77.html", site)
    assert a.extraction == "generic"
    assert a.title == "OG tiêu đề"
    assert a.published_at == datetime(2025, 6, 17, 13, 43, tzinfo=VN)   # meta, UTC -> VN
    assert P1 in a.text and "Quang cảnh hội nghị." in a.captions
    assert "var x" not in a.text


def test_canonical_elsewhere_is_ignored():
    page = PAGE.replace('href="/thoi-su/', 'href="https://other.vn/')
    a = extract_article(page, "https://baothu.vn/tong-ket-post77.html", RULES)
    assert a.url == "https://baothu.vn/tong-ket-post77.html"


@pytest.mark.parametrize("html", ["", "   ", "<html><body><nav>Menu</nav></body></html>"])
def test_no_article(html):
    with pytest.raises(NoArticle, match="not an article"):
        extract_article(html, "https://baothu.vn/", RULES)


@pytest.mark.parametrize("raw, expected", [
    ("17/06/2025 13:43", datetime(2025, 6, 17, 13, 43)),
    ("Thứ Hai, 7/6/2025, 08:05 (GMT+7)", datetime(2025, 6, 7, 8, 5)),
    ("13:43 17-06-2025", datetime(2025, 6, 17, 13, 43)),
    ("Cập nhật: 17.06.2025", datetime(2025, 6, 17)),
    ("2025-06-17T13:43:02+0700", datetime(2025, 6, 17, 13, 43, 2)),
    ("2025-06-17T06:43:00Z", datetime(2025, 6, 17, 13, 43)),
])
def test_dates(raw, expected):
    assert parse_any(raw) == expected.replace(tzinfo=VN)


def test_impossible_date_is_none():
    assert parse_printed("31/02/2025") is None and parse_any("không có ngày") is None


@pytest.mark.parametrize("raw, expected, clock", [
    ("17 tháng 6, 2025", datetime(2025, 6, 17), False),
    ("Ngày 5 tháng 6 năm 2025", datetime(2025, 6, 5), False),
    ("Thứ năm, ngày 05 Tháng 06 năm 2025 lúc 10:30", datetime(2025, 6, 5, 10, 30), True),
    ("2025/06/17 10:30", datetime(2025, 6, 17, 10, 30), True),
])
def test_vietnamese_calendar_dates(raw, expected, clock):
    assert parse_printed(raw) == expected.replace(tzinfo=VN)
    assert has_clock(raw) is clock


@pytest.mark.parametrize("raw, expected", [
    ("Cập nhật thứ hai, ngày 24/12/12 11:05 tối", datetime(2012, 12, 24, 23, 5)),
    ("Cập nhật thứ sáu, ngày 30/11/12 04:00 chiều", datetime(2012, 11, 30, 16, 0)),
    ("10:15 sáng 05/06/2025", datetime(2025, 6, 5, 10, 15)),
    ("11:30 trưa 05/06/2025", datetime(2025, 6, 5, 11, 30)),
    ("12:30 trưa 05/06/2025", datetime(2025, 6, 5, 12, 30)),
    ("11:30 đêm 05/06/2025", datetime(2025, 6, 5, 23, 30)),
    ("1:00 đêm 05/06/2025", datetime(2025, 6, 5, 1, 0)),
    ("Published on 03-08-2011  01:00 AM", datetime(2011, 8, 3, 1, 0)),
])
def test_two_digit_years_and_parts_of_the_day(raw, expected):
    # Pages from before 2013 print "dd/mm/yy" and "chiều"/"tối" instead of PM
    assert parse_printed(raw) == expected.replace(tzinfo=VN)


def test_a_two_digit_year_never_beats_a_four_digit_date_and_needs_slashes():
    assert parse_printed("Số 12/5/24 ra ngày 03/06/2025") == datetime(2025, 6, 3, tzinfo=VN)
    assert parse_printed("1.000/20/12") is None and parse_printed("12-05-24") is None


def _undeclared_page(dateline: str, after_body: str = "") -> str:
    return ("<html><head><title>Nông dân thu hoạch lúa</title></head><body>"
            "<div class='top'><span>Hôm nay 10:00 01/01/2026</span></div>"
            "<h1>Nông dân thu hoạch lúa</h1><div class='byline'>" + dateline + "</div>"
            "<div class='content'><p>" + "Bà con nông dân trong xã đang thu hoạch lúa. " * 20
            + "</p>" + after_body + "</div></body></html>")


def test_a_dateline_no_class_names_under_the_headline_dates_an_undeclared_page():
    article = extract_article(_undeclared_page("Published on 03-08-2011  01:00 AM\n  Số lần "
                                               "xem: 169"), "https://baothu.vn/nong-dan-post88.html")
    assert article.published_at == datetime(2011, 8, 3, 1, 0, tzinfo=VN)
    assert article.published_raw == "03-08-2011 01:00 AM"


@pytest.mark.parametrize("headline", [
    "<div class='x1'>Nông dân thu hoạch lúa</div>",                       # no <h1> at all
    "<h1><a href='/nong-nghiep'>Nông nghiệp</a></h1><div><span>Nông dân thu hoạch lúa</span></div>",
])
def test_the_dateline_is_read_under_a_headline_printed_without_its_own_h1(headline):
    """A page without <h1>, or whose <h1> is its breadcrumb: the headline is the element
    printing the title."""
    page = _undeclared_page("Published on 03-08-2011  01:00 AM").replace(
        "<h1>Nông dân thu hoạch lúa</h1>", headline)
    article = extract_article(page, "https://baothu.vn/nong-dan-post88.html")
    assert article.published_at == datetime(2011, 8, 3, 1, 0, tzinfo=VN)


def test_a_most_read_link_to_this_page_is_not_its_headline():
    side = ("<ul><li><a href='/nong-dan-post88.html'>Nông dân thu hoạch lúa</a></li><li>"
            "09:30 01/01/2020</li></ul>")
    page = _undeclared_page("03-08-2011 01:00").replace(
        "<h1>Nông dân thu hoạch lúa</h1>", side + "<div>Nông dân thu hoạch lúa</div>")
    article = extract_article(page, "https://baothu.vn/nong-dan-post88.html")
    assert article.published_at == datetime(2011, 8, 3, 1, 0, tzinfo=VN)


def test_a_declared_time_is_kept_as_printed_when_time_and_day_sit_in_two_elements():
    page = ("<html><head><title>Nông dân thu hoạch lúa</title><meta property="
            "'article:published_time' content='2023-07-05T07:18:11+07:00'></head><body>"
            "<h1>Nông dân thu hoạch lúa</h1><div><span>07:18</span> | <span>05/07/2023</span>"
            "</div><div><p>" + "Bà con nông dân trong xã đang thu hoạch lúa. " * 20
            + "</p></div></body></html>")
    article = extract_article(page, "https://baothu.vn/nong-dan-post88.html")
    assert article.published_raw == "07:18 | 05/07/2023"
    assert article.published_at == datetime(2023, 7, 5, 7, 18, 11, tzinfo=VN)


def test_dates_after_the_body_or_in_links_do_not_date_the_article():
    # a related story's date (a link) and a comment's date (after the body) are not its date
    page = _undeclared_page("<a href='/khac-post9.html'>Tin khác 02/02/2020 10:00</a>",
                            "<p>Bình luận lúc 05/05/2021 08:00</p>")
    article = extract_article(page, "https://baothu.vn/nong-dan-post88.html")
    assert article.published_at is None


@pytest.mark.parametrize("path, menu, expected", [
    ("/giai-tri/can-lo-lo-20121225.htm", "<a href='/giai-tri.htm'>Giải trí</a>", "Giải trí"),
    ("/xa-hoi/moi-nga-duong/a293004.html",
     "<a href='/doi-song/xa-hoi.html'>Xã hội</a><a href='/doi-song.html'>Đời sống</a>", "Xã hội"),
    ("/xa-hoi/moi-nga-duong/a293004.html", "<a href='https://other.vn/xa-hoi/'>Xã hội</a>", None),
    ("/nong-dan-post88.html", "<a href='/nong-dan-post88.html'>Nông dân</a>", None),
])
def test_the_section_in_the_url_is_named_by_the_pages_own_links(path, menu, expected):
    page = ("<html><head><title>Nông dân thu hoạch lúa</title></head><body><nav>" + menu
            + "</nav><h1>Nông dân thu hoạch lúa</h1><div class='content'><p>"
            + "Bà con nông dân trong xã đang thu hoạch lúa. " * 20 + "</p></div></body></html>")
    assert extract_article(page, "https://baothu.vn" + path).category == expected


@pytest.mark.parametrize("above, expected", [
    ("<div><a href='/'>Trang chủ</a> › <a href='/suc-khoe/'>Sức khỏe</a> › "
     "<span><a href='/suc-khoe/bac-si/'>Bác sĩ của bạn</a></span></div>", "Bác sĩ của bạn"),
    ("<ul><li><a href='/home.html'>Home</a></li><li><a href='/chuyen-muc/bep-263.html'>Bếp núc"
     "</a></li></ul><p>07/03/2026 08:47</p>", "Bếp núc"),
    # a menu of many sections is no trail; nor is a link to another story, or a trail far above
    ("<div><a href='/'>Trang chủ</a>" + "".join(f"<a href='/muc-{i}/'>Mục {i}</a>" for i in range(8))
     + "</div>", None),
    ("<div><a href='/'>Trang chủ</a> <a href='/tin-khac-123456.html'>Tin khác</a></div>", None),
    ("<div><a href='/'>Trang chủ</a> <a href='/suc-khoe/'>Sức khỏe</a></div><p>"
     + "Một đoạn văn dài chen giữa. " * 10 + "</p>", None),
    ("<div><a href='/'>Trang chủ</a> <a href='/suc-khoe/'>Sức khỏe</a> "
     + "Một đoạn văn dài chen giữa. " * 10 + "</div>", None),          # the gap as loose text
    # a logo linking home over a small menu; another site's root is no home
    ("<div><a href='/'><img src='/logo.png'></a><ul><li><a href='/tin-tuc/'>Tin tức</a></li>"
     "<li><a href='/lien-he/'>Liên hệ</a></li></ul></div>", None),
    ("<div><a href='https://facebook.com/'>Facebook</a> <a href='/suc-khoe/'>Sức khỏe</a></div>",
     None),
])
def test_the_trail_of_links_above_the_headline_back_to_home_names_the_section(above, expected):
    page = ("<html><head><title>Nông dân thu hoạch lúa</title></head><body>" + above
            + "<h1>Nông dân thu hoạch lúa</h1><div class='content'><p>"
            + "Bà con nông dân trong xã đang thu hoạch lúa. " * 20 + "</p></div></body></html>")
    assert extract_article(page, "https://baothu.vn/95/64112/nong-dan/").category == expected


FETCHED = datetime(2025, 6, 20, 10, 0, tzinfo=VN)


@pytest.mark.parametrize("raw, expected, clock", [
    ("2 giờ trước", datetime(2025, 6, 20, 8, 0), True),
    ("15 phút trước", datetime(2025, 6, 20, 9, 45), True),
    ("3 ngày trước", datetime(2025, 6, 17), False),
    ("Hôm qua 08:30", datetime(2025, 6, 19, 8, 30), True),
    ("Hôm nay, 7h05", datetime(2025, 6, 20, 7, 5), True),
    ("hôm kia", datetime(2025, 6, 18), False),
])
def test_relative_dates_against_fetch_time(raw, expected, clock):
    assert parse_printed(raw, now=FETCHED) == expected.replace(tzinfo=VN)
    assert has_clock(raw) is clock


def test_relative_date_on_a_page_uses_the_fetch_time_not_the_clock():
    page = ("<html><head><title>Nông dân thu hoạch lúa</title></head><body>"
            "<h1>Nông dân thu hoạch lúa</h1><span class='time'>Hôm qua 08:30</span>"
            "<div class='content'><p>" + "Bà con nông dân trong xã đang thu hoạch lúa. " * 20
            + "</p></div></body></html>")
    article = extract_article(page, "https://baothu.vn/nong-dan-post88.html", fetched_at=FETCHED)
    assert article.published_at == datetime(2025, 6, 19, 8, 30, tzinfo=VN)
    assert article.published_raw == "Hôm qua 08:30"


def _dated_page(meta: str) -> str:
    return ("<html><head><title>Nông dân thu hoạch lúa</title>"
            f"<meta property='article:published_time' content='{meta}'></head><body>"
            "<h1>Nông dân thu hoạch lúa</h1><div class='post-subinfo'><span>Chủ nhật, "
            "26/01/2025 - 15:29</span></div><div class='content'><p>"
            + "Bà con nông dân trong xã đang thu hoạch lúa. " * 20 + "</p></div></body></html>")


@pytest.mark.parametrize("meta", ["2025-01-26", "2025-01-26T15:29:03+07:00"])
def test_the_printed_date_in_an_unnamed_span_gives_the_time_and_the_printed_form(meta):
    # A page declaring only the day prints its time; a page declaring the time prints it
    # as readers see it: both in a <span> no class names as a date.
    article = extract_article(_dated_page(meta), "https://baothu.vn/nong-dan-post88.html")
    assert article.published_at.replace(second=0) == datetime(2025, 1, 26, 15, 29, tzinfo=VN)
    assert article.published_raw == "Chủ nhật, 26/01/2025 - 15:29"


def test_a_placeholder_author_in_json_ld_gives_way_to_the_printed_signature():
    page = ("<html><head><title>Nông dân thu hoạch lúa</title><script type='application/ld+json'>"
            '{"@type": "NewsArticle", "author": {"@type": "Person", "name": "Tác giả"}}'
            "</script></head><body><h1>Nông dân thu hoạch lúa</h1><div class='content'>"
            + "".join(f"<p>Đoạn văn số {i} kể về vụ mùa năm nay của bà con nông dân trong xã, "
                      "khi giá lúa tăng và năng suất đạt cao nhất.</p>" for i in range(5))
            + "<p>Hà Thu</p></div></body></html>")
    article = extract_article(page, "https://baothu.vn/nong-dan-post88.html")
    assert article.author == "Hà Thu"


@pytest.mark.parametrize("trail", [
    "<ul class='breadcrumb'><li><a href='/'>Trang chủ</a></li><li><a href='/suc-khoe'>Sức khỏe"
    "</a></li><li class='active'>Nông dân thu hoạch lúa</li></ul>",
    "<div class='box1 mybreadcrumb'><a href='/'>Home</a> » <a href='/suc-khoe'>Sức khỏe</a></div>",
    "<ol itemscope itemtype='https://schema.org/BreadcrumbList'><li><a href='/'>Trang chủ</a>"
    "</li><li>Sức khỏe</li></ol>",
])
def test_the_printed_breadcrumb_names_the_section(trail):
    page = ("<html><head><title>Nông dân thu hoạch lúa</title></head><body>" + trail
            + "<h1>Nông dân thu hoạch lúa</h1><div class='content'><p>"
            + "Bà con nông dân trong xã đang thu hoạch lúa. " * 20 + "</p></div></body></html>")
    article = extract_article(page, "https://baothu.vn/nong-dan-post88.html")
    assert article.category == "Sức khỏe"
