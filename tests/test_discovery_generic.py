"""Discovery without site rules: the main list of real listing pages (gold links), URL
shapes, menus, feed autodiscovery, and crawls of fixture sites that have no TOML."""
from __future__ import annotations

import json
import sys

import pandas as pd
import pytest

from conftest import LOCAL, WEB, load_eval_extraction, run_cli
from crawler.spiders import discovery
from crawler.sites.registry import Site

RECALL_FLOOR = PRECISION_FLOOR = 0.95
RULEFREE = json.loads((WEB / "rulefree-news" / "_expected.json").read_text("utf-8"))


ev = load_eval_extraction()
FOLDER = ev.real_pages_dir()
LISTINGS = {p.name: p for p in ev.listing_pages(FOLDER)} if FOLDER else {}


def rule_free(url: str) -> Site:
    from urllib.parse import urlsplit
    host = urlsplit(url).hostname
    return Site(id="generic", name=host, domains=(host,))


def listing_score(page) -> tuple[float, float]:
    """(recall, precision) of rule-free discovery against the page's gold links; links of
    a secondary list (nld) are allowed, neither found nor missed."""
    site = rule_free(page.url)
    found, _ = discovery.listing_links(page.html(), page.url, site, site.owns)
    keys, gold = [ev._link_key(u) for u in found], [ev._link_key(u) for u in page.gold]
    allowed = set(gold) | {ev._link_key(u) for u in page.allowed}
    recall = len(set(keys) & set(gold)) / len(gold)
    precision = sum(k in allowed for k in keys) / len(keys) if keys else 0.0
    return recall, precision


@pytest.mark.parametrize("name", sorted(LISTINGS) or ["(no real pages)"])
def test_rule_free_discovery_on_real_listing_pages(name):
    if not LISTINGS:
        pytest.skip("real pages not found: set VNNEWS_REAL_PAGES to the folder holding "
                    "MANIFEST.tsv and gold/ (default ../shared/real-pages)")
    recall, precision = listing_score(LISTINGS[name])
    assert recall >= RECALL_FLOOR and precision >= PRECISION_FLOOR, (recall, precision)


# -- URL shapes ---------------------------------------------------------------------------
@pytest.mark.parametrize("url, article", [
    ("https://a.vn/anh-huong-cua-mua-lu-toi-san-xuat-post123.html", True),   # "ảnh hưởng"
    # a photo story is an article (captions as body); "/anh/" is England on a football paper
    ("https://a.vn/anh/bo-anh-mua-lua-post123.html", True),
    ("https://a.vn/anh/sanchez-thua-nhan-su-that-dang-cay-tbd64993", True),
    ("https://a.vn/anh/", False),
    # "Video: ..." headlines over articles (danviet, genk): the quality gate drops the rare
    # video page with no text; a video section is never an article
    ("https://a.vn/video-khoanh-khac-dep-196260305175419776.htm", True),
    ("https://a.vn/video/khoanh-khac-dep-196260305175419776.htm", False),
    ("https://a.vn/gallery/le-hoi-123456.html", True),
    ("https://a.vn/print/nong-dan-thu-hoach-186100.html", False),
    ("https://a.vn/tac-gia/nguyen-van-a-123456.html", False),
    ("https://a.vn/tu-khoa/lua-gao-123456.html", False),
    ("https://a.vn/kinh-te/gia-lua-tang-manh-vu-he-thu.html", True),
    ("https://a.vn/2025/06/12/gia-lua", True),
    # a year/month path over a long slug (WordPress permalinks), underscore slugs
    ("https://a.vn/2025/06/gia-lua-tang-manh-vu-he-thu/", True),
    ("https://a.com/articles/future_tense/2012/11/nonlethal_weapons_and_the_law_of_war.html", True),
    ("https://a.vn/2025/06/", False),
    # the article named in the query (ASP.NET, PHP CMSs); a section's short id is not one
    ("https://a.vn/News.aspx?NewsID=123456", True),
    ("https://a.vn/?p=8231", True),
    ("https://a.vn/Default.aspx?CatID=5", False),
    ("https://a.vn/list.aspx?page=12345", False),
    ("https://a.vn/2025/06/kinh-te/", False),
    # the id as its own segment, with an extension or without (a provincial CMS)
    ("https://a.vn/y-te/xu-ly-vi-pham-an-toan-thuc-pham/151141.htm", True),
    ("https://a.vn/chinh-tri/nhieu-tin-moi-ve-dau-tu/1503344/", True),
    ("https://a.vn/chinh-tri/151141.htm", False),
    # the id segment before the slug (slugs cut with a hyphen left at either end)
    ("https://a.vn/Tin-tuc/Xa-hoi/896032/van-lo-thieu-nuoc-mua-he", True),
    ("https://a.vn/Tin-tuc/Kinh-te/896087/-thu-mua-khoang-60-tan-cu-cai", True),
    ("https://a.vn/95/64112/dung-mang-chat-ung-thu-vao-nha/", True),
    ("https://a.vn/Tin-tuc/Xa-hoi/", False),
    # the id opening the slug's segment (an older national CMS, Joomla's "id-alias")
    ("https://a.vn/chinhtri/item/35815802-nguyen-thu-tuong-tu-tran.html", True),
    ("https://a.vn/tin-tuc/12345-gia-lua-tang-manh", True),
    ("https://a.vn/tin-tuc/2025-gia-lua", False),
    # a long id (a timestamp) followed by short section codes; the section page "-c147"
    ("https://a.vn/cuoc-do-bo-cua-oto-nhap-khau-20180318080434284p6c95.news", True),
    ("https://a.vn/chung-khoan-c147.htm", False),
    # a site's own extension holding a digit (a WordPress theme's ".g4v"); media files never
    ("https://a.com/game-mobile/huong-dan-tai-pubg-mobile-phien-ban-global-495580.g4v", True),
    ("https://a.vn/media/le-hoi-dua-thuyen-123456.mp4", False),
    ("https://a.vn/media/le-hoi-dua-thuyen-123456.m4a", False),
])
def test_article_url_shapes(url, article):
    assert discovery.looks_like_article(url) is article


def test_a_section_code_before_the_id_still_ends_in_an_id():
    """"-c46a508182.html": a section code, then the article id (a family of national CMSs);
    the same sites' topic pages end "-p2403c10.html", a short code that is no article id."""
    from crawler.pages.urls import has_id
    assert has_id("https://a.vn/tin-tuc/dot-nhap-lo-luyen-thi-c46a508182.html")
    assert not has_id("https://a.vn/chon-do-choi-cho-be-p2403c10.html")
    assert not has_id("https://a.vn/doi-tuyen-u23-thang-lon.html")


def test_an_id_opening_the_slug_is_an_id_so_id_less_slugs_are_sections():
    """Section pages named by four words (/the-gioi/cua-so-the-gioi.html) pass the weakest
    article shape; beside articles whose segment opens with an id they are sections."""
    stories = "".join(f'<li><a href="/thegioi/item/3581{n}02-tin-so-{n}-ve-the-gioi.html">'
                      f"{HEADLINE.format(n=n)}</a></li>" for n in range(1000, 1005))
    page = (f'<main><ul>{stories}</ul><p><a href="/thegioi/cua-so-the-gioi.html">Cửa sổ thế '
            f'giới nhìn ra bốn phương</a></p></main>')
    site = rule_free("https://a.vn/")
    articles, _ = discovery.listing_links(page, "https://a.vn/", site, site.owns)
    assert "https://a.vn/thegioi/cua-so-the-gioi.html" not in articles and len(articles) == 5


def test_a_number_opening_a_slug_is_no_id_where_the_articles_end_in_theirs():
    """Topic pages titled with a number ("/chuyen-de/230000-ty-lam-duong-bo-cao-toc", 230,000
    billion) pass the id-first shape; beside articles ending in their id they are topics."""
    stories = "".join(f'<li><a href="/quan-su/tin-so-{n}-ve-quoc-phong-329{n}/">'
                      f"{HEADLINE.format(n=n)}</a></li>" for n in range(1000, 1005))
    topics = "".join(f'<li><a href="/chuyen-de/{n}0000-ty-lam-duong-bo-cao-toc">{n}0.000 tỷ '
                     f'làm đường bộ cao tốc Bắc Nam</a></li>' for n in (23, 10))
    page = f"<main><ul>{stories}{topics}</ul></main>"
    site = rule_free("https://a.vn/")
    articles, _ = discovery.listing_links(page, "https://a.vn/", site, site.owns)
    assert articles == [f"https://a.vn/quan-su/tin-so-{n}-ve-quoc-phong-329{n}/"
                        for n in range(1000, 1005)]


def test_id_less_slugs_are_sections_when_the_page_has_ids():
    page = """<main>
      <a href="/tin-a-20260307075519174.htm">A</a><a href="/tin-b-20260307075519175.htm">B</a>
      <a href="/tin-c-20260307075519176.htm">C</a><a href="/xe/tu-van-mua-xe.htm">Tư vấn</a>
    </main>"""
    site = rule_free("https://a.vn/")
    articles, _ = discovery.listing_links(page, "https://a.vn/", site, site.owns)
    assert articles == [f"https://a.vn/tin-{c}-2026030707551917{n}.htm"
                        for c, n in ("a4", "b5", "c6")]


# -- page structure -----------------------------------------------------------------------
PAGE = """<html><body>
<header class="site-header"><a href="/menu-bai-hot-post101.html">menu</a></header>
<nav><a href="/thoi-su/">Thời sự</a><a href="/kinh-te/">Kinh tế</a>
  <a href="/tim-kiem/">Tìm</a></nav>
<div class="main-content">
  <article class="item"><header><h3><a href="/tin-mot-post111.html">Một</a></h3></header>
  </article>
  <article class="item"><h3><a href="/tin-hai-post112.html">Hai</a></h3></article>
  <article class="item"><h3><a href="/tin-ba-post113.html">Ba</a></h3></article>
  <div class="pagination"><a href="/?page=2">2</a><a href="/?page=3">3</a></div>
  <div class="box-other"><a href="/muc-khac-post114.html">Khác</a></div>
</div>
<div class="col-right"><a href="/doc-nhieu-post115.html">Đọc nhiều</a></div>
<div id="loadMostViewTop"><a href="/xem-nhieu-post116.html">Xem nhiều</a></div>
<div class="list-tag"><a href="/chu-de-a-post117.html">Chủ đề</a></div>
<footer><a href="/chan-trang-post118.html">footer</a></footer>
</body></html>"""


def test_main_list_leaves_out_header_sidebars_and_what_follows_the_pagination():
    site = rule_free("https://a.vn/")
    articles, listings = discovery.listing_links(PAGE, "https://a.vn/", site, site.owns)
    assert articles == ["https://a.vn/tin-mot-post111.html", "https://a.vn/tin-hai-post112.html",
                        "https://a.vn/tin-ba-post113.html"]
    assert "https://a.vn/thoi-su/" in listings and "https://a.vn/kinh-te/" in listings
    assert "https://a.vn/tim-kiem/" not in listings


def test_side_boxes_articles_come_after_the_main_list_but_never_tag_strips():
    """The spider asks for the stories of sidebars, most-read boxes, the header and the
    footer too, ranked after the main list (and the boxes after its pagination); never a
    tag strip's article-shaped links."""
    site = rule_free("https://a.vn/")
    links = discovery.listing_page_links(PAGE, "https://a.vn/", site, site.owns)
    assert links.main == ["https://a.vn/tin-mot-post111.html", "https://a.vn/tin-hai-post112.html",
                          "https://a.vn/tin-ba-post113.html"]
    assert links.side == ["https://a.vn/menu-bai-hot-post101.html",
                          "https://a.vn/muc-khac-post114.html", "https://a.vn/doc-nhieu-post115.html",
                          "https://a.vn/xem-nhieu-post116.html", "https://a.vn/chan-trang-post118.html"]
    assert links.articles == links.main + links.side


def test_a_main_list_in_a_block_named_sidebar_is_still_asked_for():
    """A theme may name its main column "sidebar" or "widget-area": the list it holds is
    reached (after what the class words took for the main list), a tag strip's links are not."""
    stream = "".join(f'<li><a href="/xa-hoi/tin-{n}-post{n}.html">{HEADLINE.format(n=n)}</a></li>'
                     for n in range(201, 209))
    featured = "".join(f'<div class="card"><h3><a href="/noi-bat/tin-{n}-post{n}.html">'
                       f'{HEADLINE.format(n=n)}</a></h3><p>{SUMMARY}</p></div>'
                       for n in (301, 302, 303))
    tags = "".join(f'<a href="/su-kien/chu-de-{n}-post{n}.html">{HEADLINE.format(n=n)}</a>'
                   for n in (401, 402, 403))
    page = (f'<html><body><div class="featured">{featured}</div>'
            f'<div class="widget-area sidebar"><ul>{stream}</ul></div>'
            f'<div class="tags-list">{tags}</div></body></html>')
    site = rule_free("https://a.vn/")
    links = discovery.listing_page_links(page, "https://a.vn/", site, site.owns)
    assert links.main == [f"https://a.vn/noi-bat/tin-{n}-post{n}.html" for n in (301, 302, 303)]
    assert links.side == [f"https://a.vn/xa-hoi/tin-{n}-post{n}.html" for n in range(201, 209)]
    assert not any("su-kien" in url for url in links.articles)


def test_a_block_named_sidebar_holding_more_stories_than_the_rest_is_the_main_column():
    """A sidebar is smaller than the column it stands beside: a block named "widget-area"
    that holds more of the page's stories (card words) than every link outside side blocks
    together is the main column, and its list is main, in page order. A real side box
    inside it stays side; the same block holding fewer stories stays a sidebar."""
    def page(column_cards: range) -> str:
        column = "".join(_story(n) for n in column_cards)
        most_read = f'<div class="most-read"><ul>{_headlines([901, 902, 903])}</ul></div>'
        elsewhere = "".join(_story(n) for n in range(301, 306))
        return (f'<body><div class="widget-area">{column}{most_read}</div>'
                f'<div class="content">{elsewhere}</div></body>')
    site = rule_free("https://a.vn/")
    links = discovery.listing_page_links(page(range(101, 109)), "https://a.vn/", site, site.owns)
    assert links.main == _links([*range(101, 109), *range(301, 306)])
    assert links.side == _links([901, 902, 903])
    smaller = discovery.listing_page_links(page(range(101, 105)), "https://a.vn/", site, site.owns)
    assert smaller.main == _links(range(301, 306))
    assert smaller.side == _links([*range(101, 105), 901, 902, 903])
    # <body>'s own class names the theme's layout ("right-sidebar"): the same reading
    themed = page(range(101, 109)).replace("<body>", '<body class="home blog right-sidebar">')
    assert discovery.listing_page_links(themed, "https://a.vn/", site, site.owns).main == links.main


def test_a_column_read_as_main_never_takes_the_list_out_of_main():
    """A left sidebar of stories above a list that opens with its pager: read as the column,
    its stories come before the pager, which would end the list there. The list's own
    stories stay in main all the same (the spider stops walking a section on main links)."""
    pager = '<div class="pagination"><a href="/c/trang-2">2</a><a href="/c/trang-3">3</a></div>'
    page = (f'<body><div class="sidebar"><ul>{_headlines(range(901, 913))}</ul></div>'
            f'<div class="content">{pager}{"".join(_story(n) for n in range(101, 104))}'
            f'{pager}</div></body>')
    site = rule_free("https://a.vn/")
    links = discovery.listing_page_links(page, "https://a.vn/", site, site.owns)
    assert set(_links(range(101, 104))) <= set(links.main)
    # a run of summary cards the class words lost (a "content-right" column) that their
    # card rule put in main stays there beside a heavier widget area read as the column
    cards = "".join(_story(n) for n in range(101, 109))
    page = (f'<body><div class="content-right">{cards}</div><div class="widget-area"><ul>'
            f'{_headlines(range(201, 217))}</ul></div><div class="box-left"><ul>'
            f'{_headlines(range(301, 304))}</ul></div></body>')
    links = discovery.listing_page_links(page, "https://a.vn/", site, site.owns)
    assert set(_links([*range(101, 109), *range(201, 217), *range(301, 304)])) == set(links.main)


def test_a_column_read_as_main_ranks_the_list_before_the_side_boxes():
    """A wrapper named with a layout word around the list and the sidebar, a most-read box
    in an <aside>, a footer of headlines: every link sits in a side block by class words,
    which makes every link the list (better all than none). The column reading puts the
    list first; the boxes stay in main after it (no link leaves the main list: a harvest
    stops walking a section on it)."""
    stories = "".join(_story(n) for n in range(101, 113))
    page = (f'<body><div class="content-sidebar-wrap"><main>{stories}</main><aside><ul>'
            f'{_headlines(range(901, 906))}</ul></aside></div><footer><ul>'
            f'{_headlines(range(951, 954))}</ul></footer></body>')
    site = rule_free("https://a.vn/")
    links = discovery.listing_page_links(page, "https://a.vn/", site, site.owns)
    assert links.main == _links([*range(101, 113), *range(901, 906), *range(951, 954)])


def test_a_thin_list_beside_a_sidebar_of_as_many_words_keeps_it_apart():
    """A category's last page: three stories with summaries, beside a sidebar of twelve
    headlines holding about as many words. The sidebar is no column: its stories stay side
    (they would tie every listing page's validators to a site-wide box)."""
    page = (f'<body><div class="content">{"".join(_story(n) for n in range(101, 104))}</div>'
            f'<div class="sidebar"><ul>{_headlines(range(901, 913))}</ul></div></body>')
    site = rule_free("https://a.vn/")
    links = discovery.listing_page_links(page, "https://a.vn/", site, site.owns)
    assert links.main == _links(range(101, 104)) and links.side == _links(range(901, 913))


def _main_and_sidebar(items: str, box: str):
    """listing_page_links of a page: a main list of `items`, a sidebar listing `box`."""
    page = f'<main><ul>{items}</ul></main><div class="sidebar"><ul>{box}</ul></div>'
    site = rule_free("https://a.vn/")
    return discovery.listing_page_links(page, "https://a.vn/", site, site.owns)


def test_side_links_numbered_far_below_the_articles_are_topics():
    """A side box of event pages (/su-kien/ten-su-kien-15610.html beside articles numbered in
    the millions) is no list of stories; timestamp ids a digit shorter are still stories."""
    stories = "".join(f'<li><a href="/thoi-su/tin-{n}-{n}0001.html">{HEADLINE.format(n=n)}</a></li>'
                      for n in range(2001, 2006))
    box = ('<li><a href="/su-kien/ky-hop-thu-nhat-quoc-hoi-khoa-moi-15610.html">Kỳ họp thứ nhất '
           'Quốc hội khóa mới của nhiệm kỳ</a></li>'
           '<li><a href="/thoi-su/tin-cu-hon-ve-giao-thong-nong-thon-201910.html">'
           f'{HEADLINE.format(n=9)}</a></li>')
    links = _main_and_sidebar(stories, box)
    assert len(links.main) == 5
    assert links.side == ["https://a.vn/thoi-su/tin-cu-hon-ve-giao-thong-nong-thon-201910.html"]


def test_a_number_in_one_slug_is_no_id_length_for_the_side_links():
    """Where the main list's URLs carry no id in their last segment (date paths), one slug
    with a number in it ("150000 hộ dân") must not make the side stories' years and counts
    look like short topic ids."""
    stories = [f"/2025/05/1{n}/tinh-ho-tro-ho-dan-vung-lu-dot-{w}/" for n, w in
               enumerate(("mot", "hai", "ba", "bon", "nam"))]
    stories.append("/2025/05/16/ho-tro-150000-ho-dan-vung-lu/")
    items = "".join(f'<li><a href="{u}">{HEADLINE.format(n=i)}</a></li>' for i, u in enumerate(stories))
    box = ('<li><a href="/2025/05/10/tong-ket-nam-2024-nganh-giao-thong-tinh/">Tổng kết năm 2024 '
           'của ngành giao thông vận tải tỉnh nhà</a></li>')
    links = _main_and_sidebar(items, box)
    assert len(links.main) == 6
    assert links.side == ["https://a.vn/2025/05/10/tong-ket-nam-2024-nganh-giao-thong-tinh/"]


def test_a_page_of_side_blocks_only_still_gives_its_links():
    page = '<div class="sidebar"><a href="/tin-mot-post111.html">x</a></div>'
    site = rule_free("https://a.vn/")
    assert discovery.listing_links(page, "https://a.vn/", site, site.owns)[0] == \
        ["https://a.vn/tin-mot-post111.html"]


def test_a_load_more_link_to_a_section_does_not_end_the_list():
    boxes = "".join(f'<section><a href="/s{i}/tin-{i}-post{i}01.html">x</a>'
                    f'<a href="/s{i}/tin-{i}b-post{i}02.html">y</a>'
                    f'<a href="/s{i}/tin-{i}c-post{i}03.html">z</a>'
                    f'<a class="view-more" href="/s{i}/">Xem thêm</a></section>'
                    for i in range(1, 4))
    site = rule_free("https://a.vn/")
    articles, _ = discovery.listing_links(f"<main>{boxes}</main>", "https://a.vn/", site, site.owns)
    assert len(articles) == 9


HEADLINE = "Tỉnh khởi công tuyến đường nối trung tâm với vùng cao số {n}"
SUMMARY = ("Sáng nay, lãnh đạo tỉnh cùng bà con các xã vùng cao dự lễ khởi công; công trình "
           "dài mười hai cây số, hoàn thành trong hai năm, giúp việc đi lại thuận tiện hơn.")


def _story(n: int, summary: bool = True) -> str:
    text = f"<p>{SUMMARY}</p>" if summary else ""
    return (f'<div class="story"><h3><a href="/tin-so-{n}-post{n}.html">'
            f"{HEADLINE.format(n=n)}</a></h3>{text}</div>")


def test_category_pages_shaped_like_articles_are_not_article_links():
    """A menu of categories whose URLs carry a slug and an id like the articles: their
    links say one to four words, an article's link says its headline."""
    menu = "".join(f'<li><a href="/{slug}-{n}.html">{label}</a></li>' for slug, n, label in (
        ("kinh-te", 1000123, "Kinh tế"), ("xa-hoi", 1000124, "Xã hội"),
        ("van-hoa-the-thao", 1000125, "Văn hóa - Thể thao")))
    page = f"<body><ul>{menu}</ul><main>{''.join(_story(n) for n in range(101, 106))}</main></body>"
    site = rule_free("https://a.vn/")
    articles, _ = discovery.listing_links(page, "https://a.vn/", site, site.owns)
    assert articles == [f"https://a.vn/tin-so-{n}-post{n}.html" for n in range(101, 106)]


def test_the_run_of_summary_cards_is_the_list_even_under_a_side_box_name():
    """Class words are weak evidence: a main column named "content-right" beside a box with
    a plain name. The repeated cards with headline and summary are the list and come
    first; the box of bare headlines (articles too) comes after."""
    main = "".join(_story(n) for n in range(101, 109))
    box = "".join(f'<li><a href="/tin-so-{n}-post{n}.html">{HEADLINE.format(n=n)}</a></li>'
                  for n in range(201, 207))
    page = (f'<body><div class="content-right">{main}</div>'
            f'<div class="box-left"><ul>{box}</ul></div></body>')
    site = rule_free("https://a.vn/")
    articles, _ = discovery.listing_links(page, "https://a.vn/", site, site.owns)
    assert articles == [f"https://a.vn/tin-so-{n}-post{n}.html"
                        for n in (*range(101, 109), *range(201, 207))]


def _section_box(section: str, first: int) -> str:
    """A home page's section box: its header links, a lead card, a list of headlines."""
    items = "".join(f'<li><a href="/{section}/tin-so-{n}-post{n}.html">{HEADLINE.format(n=n)}</a></li>'
                    for n in range(first + 1, first + 4))
    return (f'<div class="row-item"><div class="cate-header"><a href="/{section}/">{section}</a>'
            f'<ul><li><a href="/{section}/con/">con</a></li></ul></div>'
            f'<div class="box-body"><div class="lead"><a href="/{section}/tin-so-{first}-post{first}.html">'
            f'{HEADLINE.format(n=first)}</a></div><ul>{items}</ul></div></div>')


def test_a_right_half_repeating_its_left_half_is_main_column_not_sidebar():
    """Rows of two section boxes in the main column ("col-left-50" / "col-right-50", the
    same template): both halves are the list. A right column whose boxes are not copies of
    the main column's (the real sidebar) stays out."""
    rows = "".join(f'<div class="row"><div class="col-left-50">{_section_box(a, n)}</div>'
                   f'<div class="col-right-50">{_section_box(b, n + 10)}</div></div>'
                   for a, b, n in (("kinh-te", "xa-hoi", 100), ("the-thao", "phap-luat", 200)))
    sidebar = "".join(f'<p><a href="/tin-so-{n}-post{n}.html">{HEADLINE.format(n=n)}</a></p>'
                      for n in range(901, 905))
    page = f'<body><div class="col1">{rows}</div><div class="col-right">{sidebar}</div></body>'
    site = rule_free("https://a.vn/")
    articles, _ = discovery.listing_links(page, "https://a.vn/", site, site.owns)
    expected = [f"https://a.vn/{section}/tin-so-{n}-post{n}.html"
                for section, first in (("kinh-te", 100), ("xa-hoi", 110), ("the-thao", 200),
                                       ("phap-luat", 210)) for n in range(first, first + 4)]
    assert articles == expected


def _headlines(numbers) -> str:
    return "".join(f'<li><a href="/tin-so-{n}-post{n}.html">{HEADLINE.format(n=n)}</a></li>'
                   for n in numbers)


def _links(numbers) -> list[str]:
    return [f"https://a.vn/tin-so-{n}-post{n}.html" for n in numbers]


def _main_list(page: str) -> list[str]:
    """Rule-free discovery's article links on a page of https://a.vn/."""
    site = rule_free("https://a.vn/")
    return discovery.listing_links(page, "https://a.vn/", site, site.owns)[0]


def test_a_box_named_trending_beside_the_lead_story_is_part_of_the_lead_block():
    """A home page's top row: the lead story, then a "trending" list of the newest stories,
    then a video box; the section boxes below hold the rest. The box right after the lead
    block is in the main list; a "most read" box further along the same row is not."""
    top = (f'<div class="top"><div class="lead">{_headlines([100])}</div>'
           f'<script>var x;</script><section class="trending"><ul>{_headlines([101, 102])}</ul></section>'
           f'<div class="video">video</div><div class="most-read"><ul>{_headlines([901, 902])}</ul></div></div>')
    sections = "".join(f'<div class="box">{_headlines(range(n, n + 3))}</div>' for n in (200, 300))
    page = f'<body>{top}<div class="sections">{sections}</div></body>'
    articles = _main_list(page)
    assert articles == _links([100, 101, 102, 200, 201, 202, 300, 301, 302])


def test_a_share_or_banner_word_on_a_block_holding_the_list_does_not_make_it_a_side_block():
    """Share bars, sign-in boxes and ad banners hold no list of articles: a layout column
    named "col-left-share" or a lead slider named "banner-news" that holds one is the list.
    A share bar beside it stays furniture (its link is no headline list)."""
    main = f'<div class="blog-col-left-share"><ul>{_headlines(range(100, 106))}</ul></div>'
    share = f'<div class="share-box">{_headlines([900])}</div>'
    side = f'<div class="sidebar"><ul>{_headlines([901, 902, 903])}</ul></div>'
    page = f"<body><div class='page'>{main}{share}{side}</div></body>"
    articles = _main_list(page)
    assert articles[:6] == _links(range(100, 106))
    assert "https://a.vn/tin-so-900-post900.html" not in articles[:7]


def test_a_ui_toolkit_tab_panel_is_no_widget_box():
    """jQuery UI marks every tab panel "ui-widget-content": the newest-stories tab beside
    the lead is in the list; a sidebar box named "widget" by its own CMS is not."""
    tabs = (f'<div class="tabs ui-tabs ui-widget"><div class="ui-tabs-panel ui-widget-content">'
            f'<ul>{_headlines(range(101, 104))}</ul></div></div>')
    top = f'<div class="top"><div class="lead">{_headlines([100])}</div>{tabs}</div>'
    box = f'<div class="widget widget_recent"><ul>{_headlines([901, 902, 903])}</ul></div>'
    sections = f'<div class="box">{_headlines(range(200, 206))}</div>'
    page = f"<body>{top}<div class='main'>{sections}</div><div class='col'>{box}</div></body>"
    articles = _main_list(page)
    assert articles[:10] == _links([100, 101, 102, 103, *range(200, 206)])
    assert not set(_links([901, 902, 903])) & set(articles[:10])


def test_columns_the_template_numbers_sidebar_1_and_sidebar_2_are_the_layout():
    """A top row whose two columns are "sidebar_1" (the lead slider) and "sidebar_2" (the
    newest stories): the word names every column, so it tells none apart. Two numbered
    sidebars beside an unnamed content column stay sidebars."""
    row = (f'<section class="row"><div class="sidebar_1">{_headlines(range(100, 104))}</div>'
           f'<div class="sidebar_2"><ul>{_headlines(range(104, 107))}</ul></div></section>')
    picks = f'<section class="picks">{_headlines([900, 901, 902])}</section>'
    articles = _main_list(f"<body>{row}{picks}</body>")
    assert articles[:7] == _links(range(100, 107))
    flanked = (f'<div class="row"><div class="sidebar-1"><ul>{_headlines([901, 902, 903])}</ul>'
               f'</div><div class="content">{_headlines(range(100, 106))}</div>'
               f'<div class="sidebar-2"><ul>{_headlines([904, 905, 906])}</ul></div></div>')
    assert _main_list(f"<body>{flanked}</body>") == _links(range(100, 106))


def test_a_side_box_beside_the_main_column_stays_out():
    """The same box next to a block that holds most of the list is a page-wide sidebar."""
    main = f'<div class="list"><ul>{_headlines(range(100, 106))}</ul></div>'
    page = (f'<body><div class="page">{main}<div class="trending"><ul>{_headlines([901, 902])}'
            f'</ul></div></div></body>')
    articles = _main_list(page)
    assert articles == _links(range(100, 106))


def test_class_words_stand_when_the_cards_agree():
    """A featured story above the list has its own markup: kept, because the class words
    (no side block here) already kept the card run."""
    featured = ('<div class="hero"><a href="/tin-noi-bat-post100.html">'
                f'{HEADLINE.format(n=100)}</a></div>')
    main = "".join(_story(n) for n in range(101, 106))
    side = "".join(f'<li><a href="/tin-so-{n}-post{n}.html">{HEADLINE.format(n=n)}</a></li>'
                   for n in range(201, 204))
    page = (f'<body><main>{featured}{main}</main>'
            f'<aside><ul>{side}</ul></aside></body>')
    articles = _main_list(page)
    assert articles == ["https://a.vn/tin-noi-bat-post100.html"] + [
        f"https://a.vn/tin-so-{n}-post{n}.html" for n in range(101, 106)]


def test_rules_still_decide_for_configured_sites():
    from crawler.sites.registry import load_registry
    site = load_registry()["demo-laocai"]
    home = (WEB / "demo-laocai" / "index.html").read_text("utf-8")
    url = f"https://{site.domains[0]}/"
    articles, _ = discovery.listing_links(home, url, site, site.owns)
    free, _ = discovery.listing_links(home, url, rule_free(url), rule_free(url).owns)
    assert set(free) < set(articles)      # rules take every matching link, sidebars too


# -- feeds ----------------------------------------------------------------------------------
def test_page_feeds_and_feed_index():
    head = """<html><head><link rel="alternate" type="application/rss+xml" href="/rss/home.rss">
      <link rel="alternate" type="application/atom+xml" href="https://a.vn/atom.xml">
      <link rel="alternate" hreflang="en" href="/en/"></head><body>
      <a href="/rss/thoi-su.rss">Thời sự</a><a href="/kinh-te.rss">Kinh tế</a>
      <a href="https://other.vn/x.rss">x</a><a href="/thoi-su/">Thời sự</a></body></html>"""
    assert discovery.page_feeds(head, "https://a.vn/") == ["https://a.vn/rss/home.rss",
                                                           "https://a.vn/atom.xml"]
    index = discovery.feed_index_links(head, "https://a.vn/rss", lambda u: "//a.vn/" in u)
    assert index[2:] == ["https://a.vn/rss/thoi-su.rss", "https://a.vn/kinh-te.rss"]
    assert discovery.looks_like_html(b"\xef\xbb\xbf<!DOCTYPE html><html>")
    assert not discovery.looks_like_html(b'<?xml version="1.0"?><rss><channel><description>'
                                         b"&lt;html&gt;</description></channel></rss>")


def test_fixture_home_pages_give_their_listed_articles():
    home = (WEB / "rulefree-news" / "index.html").read_text("utf-8")
    site = rule_free("http://127.0.0.1:1/")
    articles, listings = discovery.listing_links(home, "http://127.0.0.1:1/", site, site.owns)
    paths = [a.removeprefix("http://127.0.0.1:1") for a in articles]
    assert paths == [p for p in RULEFREE["articles"] if RULEFREE["found_by"][p] == "home"]
    assert not set(paths) & set(RULEFREE["never_requested"])
    assert len(listings) == 4


# -- crawls of sites without a TOML ----------------------------------------------------------
def test_feed_and_news_sitemap_are_autodiscovered(web, tmp_path):
    _, servers = web
    server = servers["rulefree-news"]
    out = tmp_path / "corpus"
    result = run_cli("crawl", "--start-url", server.base_url + "/", "--out", out, *LOCAL)
    assert result.returncode == 0, result.stderr
    assert "errors:" not in result.stdout
    frame = pd.read_parquet(out).set_index("url")
    assert sorted(frame.index) == sorted(server.base_url + p for p in RULEFREE["articles"])
    requested = server.requests
    for path in RULEFREE["feeds"] + RULEFREE["sitemaps"] + ["/robots.txt"]:
        assert path in requested, path
    for path in RULEFREE["never_requested"]:
        assert path not in requested, path
    for path in RULEFREE["articles"]:
        row = frame.loc[server.base_url + path]
        assert row.title == RULEFREE["titles"][path]
        assert row.published_at.isoformat() == RULEFREE["published"][path]
        assert all(phrase not in row.text for phrase in RULEFREE["forbidden_in_text"])


def test_common_feed_paths_and_an_html_feed_index(web, tmp_path):
    """A site declaring no feed: /rss, /rss.xml, /feed, /rss/home.rss are tried; a miss is
    no error, and an HTML page at /rss lists the section feeds, which are read."""
    root, servers = web
    site = root / "generic-news"
    article = "/xa-hoi/chi-trong-feed-20250613.html"
    source = site / "xa-hoi" / "nguoi-dan-ven-bien-chung-tay-lam-sach-bai-tam-20250612.html"
    page = source.read_text("utf-8").replace("Sáng chủ nhật", "Sáng thứ bảy")
    (site / article.lstrip("/")).write_text(page.replace(
        "/xa-hoi/nguoi-dan-ven-bien-chung-tay-lam-sach-bai-tam-20250612.html", article), "utf-8")
    (site / "rss").mkdir()
    (site / "rss" / "index.html").write_text(
        '<html><body><a href="/rss/xa-hoi.rss">Xã hội</a></body></html>', "utf-8")
    (site / "rss" / "xa-hoi.rss").write_text(
        f"<rss><channel><item><link>{{{{base_url}}}}{article}</link></item></channel></rss>",
        "utf-8")
    server = servers["generic-news"]
    result = run_cli("crawl", "--start-url", server.base_url + "/", "--out", tmp_path / "c", *LOCAL)
    assert result.returncode == 0, result.stderr
    assert "errors:" not in result.stdout
    for path in ("/robots.txt", "/rss", "/rss.xml", "/feed", "/rss/home.rss", "/rss/xa-hoi.rss",
                 article):
        assert path in server.requests, path
    assert (server.base_url + article) in set(pd.read_parquet(tmp_path / "c").url)


def test_gzipped_sitemap_is_read(web, tmp_path):
    """sitemap.xml.gz is served as a file (no Content-Encoding): its articles are found."""
    import gzip
    root, servers = web
    site, server = root / "rulefree-news", servers["rulefree-news"]
    source = site / RULEFREE["articles"][0].lstrip("/")
    article = "/thoi-su/ban-vung-cao-don-dien-luoi-quoc-gia-post5199.html"
    page = source.read_text("utf-8").replace(RULEFREE["articles"][0], article)
    page = page.replace("bê tông", "điện lưới quốc gia").replace("Xã vùng cao", "Bản vùng cao")
    (site / article.lstrip("/")).write_text(page, "utf-8")
    urlset = ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>'
              f"{server.base_url}{article}</loc></url></urlset>")
    (site / "sitemaps" / "extra.xml.gz").write_bytes(gzip.compress(urlset.encode()))
    index = site / "sitemaps" / "index.xml"
    index.write_text(index.read_text("utf-8").replace(
        "</sitemapindex>", "<sitemap><loc>{{base_url}}/sitemaps/extra.xml.gz</loc></sitemap>"
        "</sitemapindex>"), "utf-8")
    result = run_cli("crawl", "--start-url", server.base_url + "/", "--out", tmp_path / "c", *LOCAL)
    assert result.returncode == 0, result.stderr
    assert "/sitemaps/extra.xml.gz" in server.requests
    assert (server.base_url + article) in set(pd.read_parquet(tmp_path / "c").url)


def test_gzip_bomb_sitemap_is_refused_not_inflated():
    import gzip
    bomb = gzip.compress(b"<urlset>" + b" " * (discovery.XML_MAX_BYTES + 10) + b"</urlset>")
    with pytest.raises(discovery.TooLarge):
        discovery.sitemap_links(bomb, "https://a.vn/sitemap.xml.gz")
    small = gzip.compress(b'<urlset><url><loc>https://a.vn/x-post1.html</loc></url></urlset>')
    assert [p.url for p in discovery.sitemap_links(small, "https://a.vn/s.xml.gz")[0]] == [
        "https://a.vn/x-post1.html"]
    assert discovery.sitemap_links(b"\x1f\x8bnot gzip", "https://a.vn/s.xml.gz") == ([], [])


def main() -> int:
    """`python tests/test_discovery_generic.py`: the figures the floors above check."""
    if not LISTINGS:
        print("real pages not found (VNNEWS_REAL_PAGES)", file=sys.stderr)
        return 1
    print(f"rule-free discovery vs gold links\n{'listing page':<18} {'recall':>6} {'precision':>9}")
    for name, page in sorted(LISTINGS.items()):
        recall, precision = listing_score(page)
        print(f"{name:<18} {recall:6.3f} {precision:9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
