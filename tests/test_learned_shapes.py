"""Article URLs of a shape no rule knows: the URL templates a page's headline links share
(crawler.pages.urls.learned_templates), on listing pages and in sitemaps, and the
leave-the-shapes-out measurement on the tuned real listing pages."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from conftest import LOCAL, load_script, run_cli
from crawler.demo.server import serve_site
from crawler.pages.urls import learned_templates, looks_like_article, url_template
from crawler.sites.registry import Site, UrlRules
from crawler.spiders import discovery

SITE = Site(id="generic", name="baomoi.test", domains=("baomoi.test",))
HEADLINES = ["Nông dân xã Tân Lập thu hoạch lúa đông xuân được mùa",
             "Tỉnh khởi công tuyến đường nối ba huyện miền núi phía tây",
             "Học sinh vùng cao đến trường sau đợt rét đậm kéo dài",
             "Hội chợ hàng nông sản thu hút hàng nghìn lượt khách tham quan",
             "Ngành y tế tăng cường phòng chống dịch sốt xuất huyết mùa mưa",
             "Doanh nghiệp địa phương xuất khẩu lô hàng cà phê đầu tiên",
             "Ra mắt câu lạc bộ bóng đá thiếu niên của thành phố biển",
             "Lễ hội truyền thống thu hút đông đảo du khách thập phương"]


@pytest.mark.parametrize("url, template", [
    ("https://a.vn/thoi-su/mot-hai-2024/123456.htm", "S/#.htm"),
    ("https://a.vn/xe/gia-xe/bon-nam/654321.htm", "S/#.htm"),
    ("https://a.vn/Tin-tuc/Xa-hoi/896032/slug-mot-hai", "S/#/W"),
    ("https://a.vn/hon-6400-ty-dong-2025-2026-188260307102244359.chn", "W-#.chn"),
    ("https://a.vn/olympic-2021/danh-bai-n20210802204900628.htm", "S/W-w#.htm"),
    ("https://a.com/game-mobile/huong-dan-tai-pubg-495580.g4v", "S/W-#.g4v"),
    ("https://a.vn/item/35815802-slug-a.html", "S/#-W.html"),
    ("https://a.vn/a-b-c-39853-13.html", "W-#-9.html"),
    ("https://a.vn/le-te-xa-tac-nam-2018.html", "W.html"),
    ("https://a.vn/livescore/la-liga/2017-2018/ltd1156.html", "S/Y-Y/w#4.html"),
    ("https://a.vn/thoi-su/", "W"),
])
def test_url_templates(url, template):
    # sections of any depth are one folder; ids, years and short numbers are told apart
    assert url_template(url) == template


def test_a_template_is_learned_only_with_an_id_and_enough_urls():
    articles = [f"https://a.vn/doc/tin-so-{n}-mot-hai_q{1234560 + n}" for n in range(6)]
    assert learned_templates(articles) == {"S/W_w#"}
    assert learned_templates(articles[:5]) == set()                        # five: too few
    assert learned_templates([f"https://a.vn/{s}-mot-hai/" for s in "abcdefgh"]) == set()
    seasons = [f"https://a.vn/livescore/giai-{n}/2017-2018/ltd{1150 + n}.html" for n in range(8)]
    assert learned_templates(seasons) == set()                  # no slug, a short number


def _listing(article_urls: list[str], side_urls: list[str]) -> str:
    cards = "".join(f"<div class='story'><a href='{u}'><img src='/i{n}.jpg'></a><h3><a href='{u}'>"
                    f"{HEADLINES[n % len(HEADLINES)]} {n}</a></h3><p>Tóm tắt tin số {n} của "
                    "phóng viên địa phương.</p></div>" for n, u in enumerate(article_urls))
    side = "".join(f"<li><a href='{u}'>{HEADLINES[n]} (đọc nhiều)</a></li>"
                   for n, u in enumerate(side_urls))
    menu = "".join(f"<li><a href='/doc/{s}/'>{s}</a></li>" for s in ("thoi-su", "kinh-te", "xa-hoi"))
    return (f"<html><body><header><ul class='menu'>{menu}</ul></header><div class='main'>{cards}"
            f"</div><aside class='sidebar'><ul>{side}</ul></aside></body></html>")


def test_a_listing_of_an_unknown_article_shape_gives_its_main_list():
    urls = [f"https://baomoi.test/doc/xa-hoi/tin-so-{n}-mot-hai-ba_q{4412000 + n}" for n in range(8)]
    side = [f"https://baomoi.test/doc/kinh-te/tin-khac-{n}-bon-nam_q{4400000 + n}" for n in range(4)]
    assert not any(looks_like_article(u) for u in urls)
    found, _ = discovery.listing_links(_listing(urls, side), "https://baomoi.test/", SITE, SITE.owns)
    assert found == urls                          # the side box and the menu sections left out


def test_a_sitemap_of_an_unknown_shape_gives_its_articles_not_its_sections():
    pages = [discovery.Link(f"https://baomoi.test/doc/tin-so-{n}-mot-hai_q{4412000 + n}")
             for n in range(10)]
    sections = [discovery.Link(f"https://baomoi.test/doc/{s}/") for s in ("thoi-su", "kinh-te")]
    offsite = [discovery.Link("https://other.test/doc/tin-so-1-mot-hai_q4412001")]
    kept = discovery.sitemap_articles(pages + sections + offsite, SITE, SITE.owns)
    assert kept == pages
    ruled = Site(id="ruled", name="r", domains=("baomoi.test",),
                 urls=UrlRules(article=(re.compile(r"/bai/\d+"),)))
    assert discovery.sitemap_articles(pages, ruled, ruled.owns) == []   # rules decide alone


def test_main_lists_are_found_with_every_known_shape_of_their_urls_switched_off(capsys):
    # Each tuned real listing page as a site whose URL shape nobody listed: only what the
    # page shows finds its list (a page of id-less slugs, baocongthuong, cannot be).
    script = load_script("eval_unknown_shapes")
    assert script.main([]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    figures = dict(part.split("=") for part in last.split()[1:])
    assert int(figures["pages"]) >= 40
    assert float(figures["recall_mean"]) >= 0.95 and int(figures["below_095"]) <= 2
    assert float(figures["non_article"]) <= 0.01


# -- a crawl of a site whose article URLs have a shape nobody listed -------------------------
PARAGRAPH = ("Theo báo cáo của ủy ban nhân dân huyện, trong năm qua địa phương đã huy động "
             "nhiều nguồn lực để phát triển kinh tế, chăm lo đời sống người dân vùng sâu, "
             "vùng xa và giữ vững an ninh trật tự trên địa bàn. ")


def _article_page(title: str, n: int) -> str:
    body = "".join(f"<p>Đoạn {k} của bài số {n}: {PARAGRAPH}</p>" for k in range(5))
    return (f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
            f"<div class='meta'>0{1 + n % 9}/06/2025 08:30</div><div class='body'>{body}</div>"
            "</body></html>")


def test_a_crawl_of_a_site_whose_article_urls_no_shape_knows_ends_with_its_articles(tmp_path):
    site = tmp_path / "site"
    paths = [f"/doc/xa-hoi/tin-so-{n}-mot-hai-ba_q{4412000 + n}/" for n in range(8)]
    for n, path in enumerate(paths):
        folder = site / path.strip("/")
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(_article_page(f"{HEADLINES[n]} {n}", n), "utf-8")
    (site / "index.html").write_text(_listing(paths, []), "utf-8")
    with serve_site(site) as server:
        out = tmp_path / "corpus"
        result = run_cli("crawl", "--start-url", server.base_url + "/", "--out", out, *LOCAL)
        assert result.returncode == 0, result.stderr
        assert sorted(pd.read_parquet(out).url) == sorted(server.base_url + p for p in paths)
