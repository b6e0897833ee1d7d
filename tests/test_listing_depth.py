"""How deep a crawl walks a site's listing chain: the default depth, --listing-depth, and
--backfill (to the end of the archive, past pages of already known articles)."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import LOCAL, run_cli
from crawler.demo.server import serve_site

PAGES = 9          # listing pages in the chain, one new article on each
SENTENCES = ["Ủy ban nhân dân xã {n} vừa tổ chức hội nghị tổng kết công tác năm với sự tham "
             "gia của đông đảo cán bộ và người dân địa phương.",
             "Theo báo cáo, năm qua xã {n} đã hoàn thành {n} tuyến đường bê tông nông thôn, "
             "nâng tỷ lệ hộ dân có nước sạch lên hơn chín mươi phần trăm.",
             "Chủ tịch xã cho biết trong thời gian tới địa phương sẽ tiếp tục đẩy mạnh chuyển "
             "đổi cơ cấu cây trồng, hỗ trợ nông dân tiếp cận vốn vay ưu đãi số {n}."]


def article(n: int) -> str:
    body = "".join(f"<p>{s.format(n=n)} {s.format(n=n + 100)}</p>" for s in SENTENCES)
    return (f"<html><head><title>Xã {n} tổng kết công tác năm</title></head><body>"
            f"<h1>Xã {n} tổng kết công tác năm</h1><div class='content'>{body}</div>"
            "</body></html>")


def listing(page: int) -> str:
    older = f'<a href="/?page={page + 1}">Trang sau</a>' if page < PAGES else ""
    return (f"<html><body><h1>Tin tức</h1><ul><li><a href='/tin/xa-{page}-tong-ket-cong-tac-"
            f"nam-post{1000 + page}.html'>Xã {page} tổng kết công tác năm</a></li></ul>"
            f"<div class='pagination'>{older}</div></body></html>")


@pytest.fixture
def chain(tmp_path):
    site = tmp_path / "chain"
    (site / "tin").mkdir(parents=True)
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (site / "rss").mkdir()          # no feed, no sitemap: only the listing chain finds articles
    for page in range(1, PAGES + 1):
        name = "index.html" if page == 1 else f"index@page={page}.html"
        (site / name).write_text(listing(page), "utf-8")
        (site / "tin" / f"xa-{page}-tong-ket-cong-tac-nam-post{1000 + page}.html").write_text(
            article(page), "utf-8")
    with serve_site(site) as server:
        yield server


def crawl(server, out, *options) -> set[int]:
    result = run_cli("crawl", "--start-url", server.base_url + "/", "--out", out, *LOCAL, *options)
    assert result.returncode == 0, result.stderr
    urls = pd.read_parquet(out).url if any(out.rglob("*.parquet")) else []
    return {int(u.rsplit("post", 1)[1].split(".")[0]) - 1000 for u in urls}


def test_default_depth_is_five_pages(chain, tmp_path):
    assert crawl(chain, tmp_path / "c") == {1, 2, 3, 4, 5}


def test_listing_depth_option(chain, tmp_path):
    assert crawl(chain, tmp_path / "c", "--listing-depth", "2") == {1, 2}


def test_backfill_walks_to_the_end_past_known_pages(chain, tmp_path):
    out = tmp_path / "c"
    assert crawl(chain, out, "--listing-depth", "3") == {1, 2, 3}
    # the first pages now hold only known articles: a normal run stops there, backfill goes on
    assert crawl(chain, out, "--backfill") == set(range(1, PAGES + 1))


def test_negative_depth_is_a_user_error(tmp_path):
    result = run_cli("crawl", "--start-url", "http://127.0.0.1:9/", "--out", tmp_path / "c",
                     "--listing-depth", "-1")
    assert result.returncode != 0 and "--listing-depth" in result.stderr
    assert "Traceback" not in result.stderr


# -- side boxes: their stories are fetched, after the main list, and decide no walk --------
def boxed_listing(page: int, side: list[int]) -> str:
    """A listing page: four main-list stories (page 1: 1-4, page 2: 5-8, ...), a "most read"
    sidebar, pagination."""
    main = "".join(f"<li><a href='/tin/xa-{n}-tong-ket-cong-tac-nam-post{1000 + n}.html'>Xã {n} "
                   f"tổng kết công tác năm</a></li>" for n in range(4 * page - 3, 4 * page + 1))
    box = "".join(f"<li><a href='/tin/xa-{n}-tong-ket-cong-tac-nam-post{1000 + n}.html'>Xã {n} "
                  f"tổng kết công tác năm</a></li>" for n in side)
    older = f'<a href="/?page={page + 1}">Trang sau</a>' if page < 3 else ""
    return (f"<html><body><h1>Tin tức</h1><ul class='list-news'>{main}</ul>"
            f"<div class='pagination'>{older}</div>"
            f"<aside class='sidebar most-read'><ul>{box}</ul></aside></body></html>")


def dated(n: int, published: str) -> str:
    return article(n).replace("<head>", f'<head><meta property="article:published_time" '
                              f'content="{published}">')


def boxed_site(root, side: list[int]):
    (root / "tin").mkdir(parents=True, exist_ok=True)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (root / "rss").mkdir(exist_ok=True)
    for page in (1, 2, 3):
        name = "index.html" if page == 1 else f"index@page={page}.html"
        (root / name).write_text(boxed_listing(page, side), "utf-8")
    for n in list(range(1, 13)) + [50, 51, 52]:
        (root / "tin" / f"xa-{n}-tong-ket-cong-tac-nam-post{1000 + n}.html").write_text(
            article(n), "utf-8")


def test_side_box_stories_are_fetched_but_a_known_main_list_still_ends_the_walk(tmp_path):
    root, out = tmp_path / "boxed", tmp_path / "c"
    boxed_site(root, side=[50, 51])
    with serve_site(root) as server:
        assert crawl(server, out, "--listing-depth", "2") == set(range(1, 9)) | {50, 51}
        # A new story in the site-wide box: fetched; page 1's main list is all known, so the
        # walk ends there (the box, new on every page, would have walked on to page 3).
        boxed_site(root, side=[52, 50])
        assert crawl(server, out) == set(range(1, 9)) | {50, 51, 52}


def test_a_budget_goes_to_the_main_list_before_the_side_boxes(tmp_path):
    root = tmp_path / "boxed"
    boxed_site(root, side=[50, 51])
    with serve_site(root) as server:
        # one request at a time, one parser: the first four articles fetched are the saved ones
        got = crawl(server, tmp_path / "c", "--listing-depth", "1", "--max-articles", "4",
                    "-s", "CONCURRENT_REQUESTS=1", "-s", "VNNEWS_PARSE_WORKERS=1")
    assert got == {1, 2, 3, 4}


def test_an_old_story_in_a_side_box_does_not_keep_the_listing_from_a_304(tmp_path):
    """With --since, a side box's story older than the window is dropped (not for good: the
    window is this run's) and never settles; the listing page's validators must not wait on
    it, or the page would answer 200 on every run and the old story be fetched every time."""
    root, out = tmp_path / "boxed", tmp_path / "c"
    boxed_site(root, side=[50])
    for n in range(1, 5):
        (root / "tin" / f"xa-{n}-tong-ket-cong-tac-nam-post{1000 + n}.html").write_text(
            dated(n, "2026-12-01T08:00:00+07:00"), "utf-8")
    old = root / "tin" / "xa-50-tong-ket-cong-tac-nam-post1050.html"
    old.write_text(dated(50, "2020-01-01T08:00:00+07:00"), "utf-8")
    with serve_site(root) as server:
        options = ("--listing-depth", "1", "--since", "2026-01-01")
        assert crawl(server, out, *options) == {1, 2, 3, 4}
        assert "/tin/xa-50-tong-ket-cong-tac-nam-post1050.html" in server.requests
        server.clear_requests()
        assert crawl(server, out, *options) == {1, 2, 3, 4}
        assert "/tin/xa-50-tong-ket-cong-tac-nam-post1050.html" not in server.requests
