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
