"""Rebuild from the raw archive: the crawl's rows again (provenance aside), with no network, for
one run or several, from WARC files written by other tools too (wget, a Common Crawl-style
file written with warcio), with any number of workers."""
import gzip
import io
import json
import shutil
import subprocess

import pyarrow.dataset as ds
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conftest import LOCAL, WEB, publish, run_cli
from corpus.schema import SCHEMA

EXPECTED = json.loads((WEB / "EXPECTED.json").read_text(encoding="utf-8"))
PROVENANCE = {"run_id", "warc_file"}
SIGN_OFF = "Mời bạn đọc gửi tin bài về hộp thư của toà soạn"


def rows(directory) -> dict[str, dict]:
    table = ds.dataset(str(directory), schema=SCHEMA, format="parquet").to_table()
    return {row["url"]: row for row in table.to_pylist()}


def differences(crawled, rebuilt, ignore=PROVENANCE) -> list:
    assert set(crawled) == set(rebuilt)
    return [(url, k) for url, row in crawled.items() for k in row
            if k not in ignore and row[k] != rebuilt[url][k]]


def rebuild(*args):
    return run_cli("rebuild", *args)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`make demo`'s crawl (archive on by default) and its rebuild with one worker."""
    tmp = tmp_path_factory.mktemp("demo")
    crawled = run_cli("demo", "--out", tmp / "crawl")
    assert crawled.returncode == 0, crawled.stderr
    rebuilt = rebuild("--warc", tmp / "crawl" / "_warc", "--out", tmp / "one", "--workers", "1")
    assert rebuilt.returncode == 0, rebuilt.stderr
    return tmp, rebuilt


def test_rebuild_of_the_demo_gives_every_row_identical(demo):
    tmp, result = demo
    crawled, rebuilt = rows(tmp / "crawl"), rows(tmp / "one")
    assert len(crawled) == sum(len(EXPECTED[s]["articles"]) for s in EXPECTED)
    assert differences(crawled, rebuilt) == []
    for url, row in rebuilt.items():    # the rebuild names the file it read
        assert row["warc_file"] == str((tmp / "crawl" / crawled[url]["warc_file"]).resolve())
    assert f"{len(crawled)} articles written" in result.stdout
    assert "skipped: not an article page" in result.stdout
    assert "tokenize: 100%" in result.stderr and "article/s" in result.stderr   # bar, rate, ETA


def test_two_workers_give_the_same_output_as_one(demo, tmp_path):
    tmp, _ = demo
    two = rebuild("--warc", tmp / "crawl" / "_warc", "--out", tmp_path / "two", "--workers", "2")
    assert two.returncode == 0, two.stderr
    assert differences(rows(tmp / "one"), rows(tmp_path / "two"), ignore={"run_id"}) == []


def test_a_dask_cluster_gives_the_same_output_as_one_worker(demo, tmp_path):
    from distributed import Client, LocalCluster
    tmp, _ = demo
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        result = rebuild("--warc", tmp / "crawl" / "_warc", "--out", tmp_path / "cluster",
                         "--cluster", cluster.scheduler_address)
        # each worker process ran rebuild tasks (the module is imported by the first one)
        ran = client.run(lambda: "crawler.harvest.rebuild" in __import__("sys").modules)
    assert result.returncode == 0, result.stderr
    assert differences(rows(tmp / "one"), rows(tmp_path / "cluster"), ignore={"run_id"}) == []
    assert list(ran.values()) == [True, True]


def test_rebuild_of_two_runs_equals_the_incremental_corpus(web, tmp_path):
    """A sign-off on 3 pages in run 1 and on 3 new pages in run 2 is learned in run 2 and
    removed from all 6; the rebuild of both runs' WARCs learns it at once: same rows."""
    root, servers = web
    site = root / "demo-laocai"
    marker = 'itemprop="articleBody">'
    originals = sorted(site.glob("*-post*.html"), key=lambda p: p.name.split("-post")[1])
    for page in originals[:3]:
        page.write_text(page.read_text(encoding="utf-8").replace(marker, f"{marker}<p>{SIGN_OFF}</p>", 1),
                        encoding="utf-8")
    out = tmp_path / "corpus"
    args = ["demo-laocai", "--out", out, "--base-url", servers["demo-laocai"].base_url, *LOCAL]
    assert run_cli("crawl", *args).returncode == 0
    assert SIGN_OFF in "".join(r["text"] for r in rows(out).values())
    source_page = next(site.glob("*-post40101.html"))       # it carries the sign-off
    source = source_page.read_text(encoding="utf-8")
    assert SIGN_OFF in source and "Bát Xát" in source
    for i in range(3):
        publish(site, f"bai-moi-{i}-post4060{i}.html",
                source.replace(source_page.stem, f"bai-moi-{i}-post4060{i}")
                      .replace("Bát Xát", f"Bảo Yên {i} Bát Xát"), f"Bài mới {i}")
    second = run_cli("crawl", *args)
    assert second.returncode == 0, second.stderr
    crawled = rows(out)
    assert len(crawled) == len(EXPECTED["demo-laocai"]["articles"]) + 3
    assert SIGN_OFF not in "".join(r["text"] for r in crawled.values())
    assert len(list((out / "_warc").glob("*.warc.gz"))) == 2
    rebuilt = rebuild("--warc", out / "_warc", "--out", tmp_path / "rebuilt", "--workers", "1")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert differences(crawled, rows(tmp_path / "rebuilt")) == []
    learned = [json.loads((d / "_boilerplate" / "demo-laocai.json").read_text("utf-8"))
               for d in (out, tmp_path / "rebuilt")]
    assert learned[0] == learned[1] and len(learned[0]["lines"]) == 1


def test_a_warc_written_by_wget(web, tmp_path):
    _, servers = web
    base = servers["demo-laocai"].base_url
    crawl = run_cli("crawl", "demo-laocai", "--out", tmp_path / "crawl", "--base-url", base, *LOCAL)
    assert crawl.returncode == 0, crawl.stderr
    subprocess.run(["wget", "--quiet", "--recursive", "--level=3", "--no-parent",
                    "--directory-prefix", str(tmp_path / "mirror"),
                    "--warc-file", str(tmp_path / "wget"), f"{base}/"], check=False, timeout=120)
    warc = tmp_path / "wget.warc.gz"
    assert warc.stat().st_size > 10_000
    result = rebuild("--warc", warc, "--out", tmp_path / "rebuilt", "--base-url", f"demo-laocai={base}")
    assert result.returncode == 0, result.stderr
    crawled, rebuilt = rows(tmp_path / "crawl"), rows(tmp_path / "rebuilt")
    assert set(rebuilt) == {f"https://laocai.demo.vnnews.test{p}" for p in EXPECTED["demo-laocai"]["articles"]}
    assert differences(crawled, rebuilt, ignore=PROVENANCE | {"crawled_at", "warc_offset"}) == []
    assert "skipped: not HTML" in result.stdout          # robots.txt, feeds, sitemaps


def cc_record(writer, url, body, content_type="text/html; charset=utf-8", status="200 OK", extra=()):
    headers = StatusAndHeaders(status, [("Content-Type", content_type), *extra], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                  length=len(body), http_headers=headers))


def test_a_common_crawl_style_warc_keeps_the_registered_news_pages(tmp_path):
    """Records of many hosts, gzip-encoded bodies, non-HTML and error responses, request and
    metadata records: only the registered site's articles become rows."""
    site = WEB / "demo-laocai"
    pages = sorted(site.glob("*-post401*.html"))[:3]
    path = tmp_path / "CC-NEWS-20250612-00001.warc.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warc_record("https://example.com/", "request",
                                                      payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        cc_record(writer, "https://example.com/news/1", b"<html><body><p>English news</p></body></html>")
        for page in pages:
            body = gzip.compress(page.read_bytes())
            cc_record(writer, f"https://laocai.demo.vnnews.test/{page.name}", body,
                      extra=[("Content-Encoding", "gzip")])
        cc_record(writer, "https://laocai.demo.vnnews.test/logo.png", b"\x89PNG", "image/png")
        cc_record(writer, "https://laocai.demo.vnnews.test/missing-post1.html", b"<p>404</p>",
                  status="404 Not Found")
        cc_record(writer, "https://laocai.demo.vnnews.test/", (site / "index.html").read_bytes())
    result = rebuild("--warc", tmp_path, "--out", tmp_path / "out", "--workers", "1")
    assert result.returncode == 0, result.stderr
    got = rows(tmp_path / "out")
    assert set(got) == {f"https://laocai.demo.vnnews.test/{p.name}" for p in pages}
    for url, row in got.items():
        assert row["site"] == "demo-laocai" and row["province"] and row["tokens"]
        assert row["title"] == EXPECTED["demo-laocai"]["titles"][url.removeprefix("https://laocai.demo.vnnews.test")]
    assert "skipped: not a registered site 1" in result.stdout and "NotAnArticle 1" in result.stdout


def test_user_errors_are_one_line(tmp_path):
    missing = rebuild("--warc", tmp_path / "nope.warc.gz", "--out", tmp_path / "o")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "no such file" in missing.stderr
    (tmp_path / "warcs").mkdir()
    empty = rebuild("--warc", tmp_path / "warcs", "--out", tmp_path / "o")
    assert empty.returncode == 2 and "no WARC file" in empty.stderr
    shutil.copy(WEB / "demo-laocai" / "index.html", tmp_path / "warcs" / "x.warc")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "f").write_text("x")
    used = rebuild("--warc", tmp_path / "warcs", "--out", tmp_path / "full")
    assert used.returncode == 2 and "not empty" in used.stderr
