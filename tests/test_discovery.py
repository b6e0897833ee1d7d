from crawler.spiders import discovery
from crawler.sites.registry import Site, UrlRules
import re

SITE = Site(id="t", name="T", domains=("baothu.vn",),
            urls=UrlRules(article=(re.compile(r"-post\d+\.html$"),), deny=(re.compile("^/video/"),)),
            selectors={"next_page": ("a.next",)})
LISTING = """<html><body>
<nav><a href="/thoi-su/">Thời sự</a><a href="/video/clip-post9.html">Video</a></nav>
<div class="list"><a href="/lua-gao-post123.html">Lúa gạo</a>
<a href="https://baothu.vn/truong-hoc-post124.html#c">Trường học</a>
<a href="https://other.vn/x-post5.html">Ngoài</a><a href="/lua-gao-post123.html">again</a>
<a href="javascript:void(0)">js</a></div>
<a class="next" href="/thoi-su/?page=2">2</a></body></html>"""


def test_listing_links_in_order_on_site_without_denied():
    articles, listings = discovery.listing_links(LISTING, "https://baothu.vn/thoi-su/", SITE,
                                                 SITE.owns)
    assert articles == ["https://baothu.vn/lua-gao-post123.html",
                        "https://baothu.vn/truong-hoc-post124.html"]
    assert listings == ["https://baothu.vn/thoi-su/?page=2"]


def test_generic_next_page_words():
    site = Site(id="g", name="G", domains=("a.vn",))
    html = '<a href="/p2">Trang sau</a><a href="/x">Trang chủ</a><a rel="next" href="/p3">»</a>'
    _, listings = discovery.listing_links(html, "https://a.vn/", site, site.owns)
    assert listings == ["https://a.vn/p2", "https://a.vn/p3"]


def test_rule_free_article_shapes():
    yes = ["https://a.vn/kinh-te/gia-lua-tang-20250612093000123.htm",
           "https://cafef.vn/x-y-188260307071033787.chn", "https://baodautu.vn/ab-cd-d538952.html",
           "https://a.vn/song-dep-post404649.html", "https://a.vn/2025/06/12/lua-gao",
           "https://vietnamnet.vn/co-phieu-flc-2495349.html",
           "https://a.vn/xa-hoi/ten-bai-viet-moi-20250612.html"]
    no = ["https://a.vn/", "https://a.vn/kinh-te.htm", "https://a.vn/tag/lua-gao-123456.html",
          "https://a.vn/video/clip-hay-123456.html", "https://a.vn/tac-gia/nguyen-van-a.html",
          "https://a.vn/lien-he.html"]
    assert all(discovery.looks_like_article(u) for u in yes)
    assert not any(discovery.looks_like_article(u) for u in no)


def test_rss_and_atom():
    rss = b"""<?xml version="1.0" encoding="UTF-8"?><rss><channel>
    <item><title>A</title><link>https://a.vn/a-post1.html</link>
    <pubDate>Tue, 17 Jun 2025 13:43:00 +0700</pubDate></item>
    <item><guid>https://a.vn/b-post2.html</guid></item></channel></rss>"""
    links = discovery.feed_links(rss, "https://a.vn/rss")
    assert [l.url for l in links] == ["https://a.vn/a-post1.html", "https://a.vn/b-post2.html"]
    assert links[0].published.isoformat() == "2025-06-17T13:43:00+07:00"
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="/c-post3.html"/>
    <updated>2025-06-17T06:43:00Z</updated></entry></feed>"""
    (entry,) = discovery.feed_links(atom, "https://a.vn/atom.xml")
    assert entry.url == "https://a.vn/c-post3.html"
    assert entry.published.hour == 13


def test_sitemaps_index_and_news():
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://a.vn/sitemap-1.xml</loc></sitemap></sitemapindex>"""
    assert discovery.sitemap_links(index, "https://a.vn/sitemap.xml") == ([], ["https://a.vn/sitemap-1.xml"])
    news = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>https://a.vn/x-post1.html</loc><news:news><news:publication_date>2025-06-17T13:43:00+07:00</news:publication_date></news:news></url>
      <url><loc>https://a.vn/y-post2.html</loc><lastmod>2025-06-18</lastmod></url></urlset>"""
    pages, children = discovery.sitemap_links(news, "https://a.vn/sitemap-1.xml")
    assert [p.url for p in pages] == ["https://a.vn/x-post1.html", "https://a.vn/y-post2.html"]
    assert pages[0].published.day == 17 and pages[1].published.day == 18 and not children


def test_broken_xml_gives_no_links():
    assert discovery.feed_links(b"<rss><channel><item><link>", "https://a.vn/") == []
    assert discovery.feed_links(b"", "https://a.vn/") == []
    assert discovery.robots_sitemaps("User-agent: *\nSitemap: https://a.vn/s.xml\n") == ["https://a.vn/s.xml"]
