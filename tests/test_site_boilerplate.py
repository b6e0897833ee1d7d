"""Site-level boilerplate learning: repeated short lines go, the evidence is kept (never
forgotten) and counted from raw text, any crawl order gives the same corpus, only new rows and
the pages waiting on a newly learned line are touched, leads and real paragraphs stay."""
import json
import random

import pandas as pd
import pytest

from corpus.writer import CorpusWriter
from crawler.harvest import site_boilerplate
from crawler.harvest.site_boilerplate import Evidence, SiteBoilerplatePipeline
from crawler.items import Article
from pipelines.tokenize import tokenize_article_text

FOOTER = "Mời bạn đọc gửi tin bài, ảnh về hộp thư toà soạn"
STORY = ("Sáng nay, ủy ban nhân dân xã {i} tổ chức lễ khánh thành cây cầu mới bắc qua suối, "
         "giúp hơn {i}00 hộ dân đi lại thuận tiện trong mùa mưa lũ sắp tới.")


def articles(n=6, site="t", footer=FOOTER, start=0):
    out = []
    for i in range(start, start + n):
        lead = f"Tin từ xã số {i}: người dân phấn khởi đón công trình mới."
        text = "\n".join([lead, STORY.format(i=i), footer, STORY.format(i=i + 100)])
        out.append(Article(url=f"https://a.vn/{site}-{i}-post{i}.html", site=site, title=f"Bài {i}",
                           lead=lead, text=text, content_hash=f"{site}{i}", run_id="r1"))
    return out


def write(directory, items, run_id="r1"):
    """Rows committed without the crawl's pipeline (their keys come from their text)."""
    writer = CorpusWriter(directory, run_id, flush_rows=2)
    for item in items:
        writer.add(item)
    writer.flush()


def crawl(directory, items, run_id):
    """What a crawl does: pipeline step, tokenisation, commit, end-of-crawl update."""
    pipeline = SiteBoilerplatePipeline(Evidence(directory))
    writer = CorpusWriter(directory, run_id, flush_rows=3)
    for item in items:
        pipeline.process_item(item)
        item.tokens, item.n_words, item.n_sentences = tokenize_article_text(item.text)
        writer.add(item)
    writer.flush()
    pipeline.close_spider()
    return site_boilerplate.update(directory, workers=0)


def rows(directory):
    return pd.read_parquet(directory).sort_values("url").set_index("url")


def learned_file(directory, site="t"):
    return json.loads((directory / "_boilerplate" / f"{site}.json").read_text(encoding="utf-8"))


def test_repeated_line_goes_everywhere_and_rows_are_retokenised(tmp_path):
    write(tmp_path, articles(6) + articles(3, site="other", footer="Dòng khác"))
    result = site_boilerplate.update(tmp_path, workers=0)
    assert result["rows_cleaned"] == 6 and result["lines"] == 1
    frame = rows(tmp_path)
    for url, row in frame[frame.site == "t"].iterrows():
        assert FOOTER not in row.text
        assert row.text.splitlines()[0] == row.lead            # the lead stays
        assert "toà_soạn" not in row.tokens and "khánh_thành" in row.tokens
        assert row.n_words > 20
        assert row.content_hash.startswith("t")                # the duplicate key is kept
    assert (frame.loc[frame.site == "other", "text"].str.contains("Dòng khác")).all()  # 3 < 5 pages
    assert learned_file(tmp_path)["lines"] == {site_boilerplate.line_key(FOOTER): 6}
    again = site_boilerplate.update(tmp_path, workers=0)
    assert again["rows_cleaned"] == 0 and again["pages_counted"] == 0 and again["lines"] == 1


ORDERS = {
    "all at once": [range(0, 8)],
    "footer learned in the second crawl": [range(0, 3), range(3, 8)],
    "the other way round": [range(5, 8), range(0, 5)],
    "one page per crawl, shuffled": [[i] for i in random.Random(5).sample(range(8), 8)],
}


@pytest.mark.parametrize("order", sorted(ORDERS))
def test_any_crawl_order_gives_the_same_corpus_and_evidence(tmp_path, order):
    pages = {a.url: a for a in articles(8)}
    reference = tmp_path / "reference"
    crawl(reference, articles(8), "r0")
    out = tmp_path / "out"
    for n, batch in enumerate(ORDERS[order]):
        crawl(out, [articles(1, start=i)[0] for i in batch], f"r{n}")
    columns = ["text", "tokens", "n_words", "content_hash"]
    assert rows(out)[columns].equals(rows(reference)[columns])
    assert learned_file(out) == learned_file(reference)
    assert learned_file(out)["lines"] == {site_boilerplate.line_key(FOOTER): 8}
    assert not rows(out).text.str.contains(FOOTER).any() and len(pages) == 8


def test_evidence_is_never_forgotten_and_counted_from_raw_text(tmp_path):
    crawl(tmp_path, articles(5), "r1")
    assert site_boilerplate.line_key(FOOTER) in learned_file(tmp_path)["lines"]
    result = crawl(tmp_path, articles(2, start=5), "r2")      # cleaned before tokenisation
    assert result["rows_cleaned"] == 0 and result["pages_counted"] == 2
    assert learned_file(tmp_path)["lines"] == {site_boilerplate.line_key(FOOTER): 7}
    result = crawl(tmp_path, articles(1, start=9, footer="Một dòng khác hẳn"), "r3")
    assert learned_file(tmp_path)["lines"] == {site_boilerplate.line_key(FOOTER): 7}
    assert not rows(tmp_path).text.str.contains(FOOTER).any()


def test_only_new_rows_and_waiting_pages_are_read(tmp_path, monkeypatch):
    crawl(tmp_path, articles(20, site="big", footer="Chân trang của một báo khác"), "r1")
    crawl(tmp_path, articles(4), "r2")                   # 4 pages wait on the footer
    read = []
    original = site_boilerplate.read_rows
    monkeypatch.setattr(site_boilerplate, "read_rows", lambda path: read.append(path) or original(path))
    result = crawl(tmp_path, articles(1, start=4), "r3")  # the fifth: learned now
    assert result["rows_cleaned"] == 5 and result["pages_counted"] == 1
    assert not any("/big/" in str(path) for path in read)
    assert not rows(tmp_path).text.str.contains(FOOTER).any()


def test_a_large_pass_rewrites_in_batches_through_one_pool_with_the_same_result(tmp_path, monkeypatch):
    """Memory stays flat: the changed texts and their tokens are held REWRITE_BATCH at a time,
    not all at once, and the result is the one a single batch gives."""
    import pipelines.tokenize as tk
    write(tmp_path / "whole", articles(12))
    site_boilerplate.update(tmp_path / "whole", workers=0)
    batches, pools = [], []
    monkeypatch.setattr(site_boilerplate, "REWRITE_BATCH", 4)
    original = site_boilerplate.rewrite
    monkeypatch.setattr(site_boilerplate, "rewrite", lambda directory, changes, pool: batches.append(
        sum(map(len, changes.values()))) or original(directory, changes, pool))

    class CountedPool(tk.TokenizerPool):
        def __init__(self, workers):
            pools.append(workers)
            super().__init__(workers)
    monkeypatch.setattr(tk, "TokenizerPool", CountedPool)
    write(tmp_path / "batched", articles(12))                  # files of 2 rows
    result = site_boilerplate.update(tmp_path / "batched", workers=0)
    assert batches == [4, 4, 4] and pools == [0] and result["rows_cleaned"] == 12
    assert result["files_rewritten"] == 6
    columns = ["text", "tokens", "n_words", "n_sentences"]
    assert rows(tmp_path / "batched")[columns].equals(rows(tmp_path / "whole")[columns])


@pytest.mark.parametrize("waiting_batch", [site_boilerplate.WAITING_BATCH, 1])
def test_pages_waiting_in_a_compacted_partition_are_cleaned_when_the_line_is_learned(
        tmp_path, monkeypatch, waiting_batch):
    """Compaction (at the end of a run) merges the files holding pages that wait on a line;
    when a later crawl brings the line to 5 pages, those pages are found in the merged file
    (the waiting lines are moved a batch at a time: one line per batch too)."""
    from crawler.harvest.runner import compact_partitions
    monkeypatch.setattr(site_boilerplate, "WAITING_BATCH", waiting_batch)
    crawl(tmp_path, articles(2), "r1")
    crawl(tmp_path, articles(2, start=2), "r2")                 # 4 pages wait on the footer
    assert compact_partitions(tmp_path, 2) == 1
    crawl(tmp_path, articles(1, start=8, footer="Một dòng khác hẳn"), "r3")
    result = crawl(tmp_path, articles(1, start=4), "r4")        # the fifth: learned now
    assert result["rows_cleaned"] == 5
    assert not rows(tmp_path).text.str.contains(FOOTER).any()


def test_the_pipeline_step_takes_a_dict_item_too(tmp_path):
    crawl(tmp_path, articles(5), "r1")
    pipeline = SiteBoilerplatePipeline(Evidence(tmp_path))
    item = {"url": "https://a.vn/t-9-post9.html", "site": "t", "lead": "Tin mới.",
            "text": f"Tin mới.\n{FOOTER}\n{STORY.format(i=9)}"}
    assert pipeline.process_item(item) is item
    assert item["text"] == f"Tin mới.\n{STORY.format(i=9)}"
    pipeline.close_spider()


def test_too_few_pages_or_long_lines_stay(tmp_path):
    long_line = " ".join(["một đoạn văn dài lặp lại"] * 10)
    write(tmp_path, articles(4) + articles(6, site="long", footer=long_line))
    assert site_boilerplate.update(tmp_path, workers=0)["rows_cleaned"] == 0


@pytest.mark.parametrize("lead", [None, FOOTER])
def test_cleaned_never_drops_the_lead(lead):
    text = f"{FOOTER}\nĐoạn thân bài."
    kept = site_boilerplate.cleaned(text, lead, {site_boilerplate.line_key(FOOTER)})
    assert kept == (text if lead else "Đoạn thân bài.")
    assert site_boilerplate.page_lines(text, lead) == ({"đoạn thân bài"} if lead else
                                                       {"đoạn thân bài", site_boilerplate.line_key(FOOTER)})


# -- end to end: real crawls of a served site ---------------------------------------------
SIGN_OFF = "Mời bạn đọc gửi tin bài về hộp thư của toà soạn"
MARKER = 'itemprop="articleBody">'


def new_pages(count: int) -> dict[str, str]:
    """`count` new demo-laocai stories of their own text (not near-duplicates of each other,
    so every copy of the sign-off counts), each signed off."""
    import importlib.util

    from conftest import ROOT
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "benchmarks" / "bench_scale.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    template = (bench.TEMPLATE / f"{bench.SOURCE}.html").read_text(encoding="utf-8")
    model = bench.Generator(seed=21).model
    pages = {}
    for i in range(count):
        slug = f"bai-thu-tu-{i}-post7000{i}"
        html = bench.article_page(template, slug, f"Tin thứ tự số {i}", model.sentences(32), i)
        pages[f"{slug}.html"] = html.replace(MARKER, f"{MARKER}<p>{SIGN_OFF}</p>", 1)
    return pages


def crawl_in_order(root, batches, out) -> None:
    """A private copy of the fixture web, 2 of its stories signed off; one crawl per batch of
    new pages, each published just before its crawl."""
    import shutil

    from conftest import LOCAL, WEB, publish, run_cli
    from crawler.demo.server import serve_web
    shutil.copytree(WEB, root)
    site = root / "demo-laocai"
    for page in sorted(site.glob("*-post401*.html"))[:2]:
        page.write_text(page.read_text(encoding="utf-8").replace(MARKER, f"{MARKER}<p>{SIGN_OFF}</p>", 1),
                        encoding="utf-8")
    with serve_web(root) as servers:
        for batch in batches:
            for name, html in batch.items():
                publish(site, name, html, name)
            result = run_cli("crawl", "demo-laocai", "--out", out,
                             "--base-url", servers["demo-laocai"].base_url, *LOCAL)
            assert result.returncode == 0, result.stderr


def test_two_crawl_orders_of_a_served_site_give_the_same_corpus(tmp_path):
    """Order a: 3 signed-off stories, then 1 (the line is learned by the first crawl: 2 + 3
    pages); order b: 1, then 3 (learned by the second: 2 + 1, then 6). Same rows, same
    learned lines, no sign-off left anywhere."""
    pages = new_pages(4)
    first, second = dict(list(pages.items())[:3]), dict(list(pages.items())[3:])
    outs = {"a": tmp_path / "a", "b": tmp_path / "b"}
    crawl_in_order(tmp_path / "web-a", [first, second], outs["a"])
    crawl_in_order(tmp_path / "web-b", [second, first], outs["b"])
    provenance = ["run_id", "crawled_at", "warc_file", "warc_offset"]
    a, b = (rows(outs[k]).drop(columns=provenance) for k in "ab")
    assert len(a) == 8 + 4 and not a.text.str.contains(SIGN_OFF).any()
    pd.testing.assert_frame_equal(a, b[a.columns])
    assert learned_file(outs["a"], "demo-laocai") == learned_file(outs["b"], "demo-laocai")
    assert learned_file(outs["a"], "demo-laocai")["lines"] == {site_boilerplate.line_key(SIGN_OFF): 6}
