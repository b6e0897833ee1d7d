"""The corpus is one table for every reader: pandas, pyarrow.dataset, polars, DuckDB and
Hugging Face datasets see the same rows and columns; corpus.load filters by site and date."""
import os
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")  # read before `datasets` is imported
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
import pytest  # noqa: E402

import corpus  # noqa: E402
from corpus import COLUMNS, SCHEMA  # noqa: E402
from corpus.schema import article_row, rows_to_table  # noqa: E402
from corpus.writer import ROW_GROUP_SIZE, CorpusWriter, write_atomic  # noqa: E402
from crawler.items import Article  # noqa: E402

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def article(i, site="demo-laocai", when=datetime(2025, 6, 1, 8, 0, tzinfo=VN), **extra):
    return Article(url=f"https://{site}.vn/bai-{i}.html", site=site, title=f"Bài {i}",
                   text=f"Đoạn một của bài {i}\nĐoạn hai", captions=[f"Ảnh {i}"] if i % 2 else [],
                   tags=["nông nghiệp", "Lào Cai"], published_at=when, tokens="Đoạn một\nĐoạn hai",
                   n_words=4 + i, n_sentences=2, content_hash=f"h{i}", run_id="r1",
                   crawled_at=datetime(2026, 1, 1, tzinfo=timezone.utc), **extra)


@pytest.fixture
def small(tmp_path):
    """Two sites, three months, an undated national article; state and logs beside them."""
    out = tmp_path / "corpus"
    writer = CorpusWriter(out, "r1")
    for i, (site, when) in enumerate([("demo-laocai", datetime(2025, 5, 31, 23, 30, tzinfo=VN)),
                                      ("demo-laocai", datetime(2025, 6, 1, 0, 30, tzinfo=VN)),
                                      ("demo-cantho", datetime(2025, 7, 2, 9, 0, tzinfo=VN)),
                                      ("national", None)]):
        writer.add(article(i, site=site, when=when, province=None if site == "national" else "Lào Cai"))
    writer.flush()
    for junk in ("_logs/r1.log", "_runs/r1.json", "_neardup/signatures.arrow", "demo-laocai/2025-06/.x.parquet.tmp"):
        (out / junk).parent.mkdir(parents=True, exist_ok=True)
        (out / junk).write_text("not parquet")
    return out


def canonical(frame: pd.DataFrame) -> list[tuple]:
    """Rows as comparable tuples: times in UTC, lists as tuples, nulls as None."""
    def cell(value):
        if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
            value = value.tolist()
        if isinstance(value, list):
            return tuple(value)
        if isinstance(value, (pd.Timestamp, datetime)):
            return pd.Timestamp(value).tz_convert("UTC").isoformat()
        return None if value is None or (not isinstance(value, (tuple, str)) and pd.isna(value)) else value
    assert list(frame.columns) == COLUMNS
    rows = [tuple(cell(v) for v in row) for row in frame.itertuples(index=False, name=None)]
    return sorted(rows, key=lambda r: r[0])


def test_every_reader_sees_the_same_table(small):
    import duckdb
    import polars as pl
    from datasets import load_dataset
    expected = canonical(pd.read_parquet(small))
    assert len(expected) == 4
    glob = corpus.parquet_glob(small)
    frames = {
        "pyarrow.dataset": corpus.scan(small).to_table().to_pandas(),
        "corpus.load": corpus.load(small),
        "polars": corpus.scan_polars(small).collect().to_pandas(),
        "polars glob": pl.scan_parquet(glob, hive_partitioning=False).collect().to_pandas(),
        "duckdb": duckdb.sql(f"select * from read_parquet('{glob}')").df(),
        "datasets": load_dataset("parquet", data_files=glob, split="train",
                                 cache_dir=str(small.parent / "hf-cache")).to_pandas(),
    }
    for name, frame in frames.items():
        assert canonical(frame) == expected, name


def test_layout_is_plain_site_month_directories(small):
    names = sorted(p.relative_to(small).as_posix() for p in corpus.files(small))
    assert names == ["demo-cantho/2025-07/r1-0001.parquet", "demo-laocai/2025-05/r1-0002.parquet",
                     "demo-laocai/2025-06/r1-0003.parquet", "national/undated/r1-0004.parquet"]
    assert not any("=" in name for name in names)      # no hive key=value directories
    for path in corpus.files(small):
        assert pq.read_schema(path).equals(SCHEMA, check_metadata=False)


def test_row_groups_hold_at_most_20k_articles(tmp_path):
    one = rows_to_table([article_row(article(1))])
    big = one.take([0] * (2 * ROW_GROUP_SIZE + 5))
    write_atomic(big, tmp_path / "s" / "2025-06" / "big.parquet")
    meta = pq.ParquetFile(tmp_path / "s" / "2025-06" / "big.parquet").metadata
    assert ROW_GROUP_SIZE == 20_000
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [20_000, 20_000, 5]


@pytest.mark.parametrize("since, urls", [
    ("2025-06-01", {1, 2}),                                    # a date is Vietnam midnight
    (date(2025, 6, 1), {1, 2}),
    ("2025-05-31T23:00", {0, 1, 2}),                           # naive time: Vietnam time
    (datetime(2025, 5, 31, 17, 0, tzinfo=timezone.utc), {1, 2}),  # 00:00 in Vietnam
    ("2025-07-02T09:00:00+07:00", {2}),                        # at or after
])
def test_load_since_filters_on_published_at(small, since, urls):
    frame = corpus.load(small, columns=["url"], since=since)
    assert {int(u.rsplit("-", 1)[1].split(".")[0]) for u in frame.url} == urls


def test_load_filters_combine_and_need_not_be_loaded(small):
    frame = corpus.load(small, columns=["title"], sites=["demo-laocai"], since="2025-06-01")
    assert list(frame.columns) == ["title"] and list(frame.title) == ["Bài 1"]
    assert len(corpus.load(small, sites=["national"])) == 1
    assert len(corpus.load(small, since="2020-01-01")) == 3    # the undated row is left out


def test_load_rejects_a_bad_since(small):
    with pytest.raises(ValueError, match="2025-13-01"):
        corpus.load(small, since="2025-13-01")
    with pytest.raises(ValueError):
        corpus.load(small, since=20250601)


def test_scan_is_lazy_and_scan_polars_reads_empty_corpora(small, tmp_path):
    import pyarrow.dataset as ds
    dataset = corpus.scan(small)
    assert dataset.count_rows(filter=ds.field("site") == "demo-laocai") == 2
    lazy = corpus.scan_polars(small).filter(corpus_site("demo-cantho"))
    assert lazy.collect()["url"].to_list() == ["https://demo-cantho.vn/bai-2.html"]
    empty = corpus.scan_polars(tmp_path).collect()
    assert empty.columns == COLUMNS and empty.height == 0
    assert isinstance(dataset.schema.field("published_at").type, pa.TimestampType)


def corpus_site(site):
    import polars as pl
    return pl.col("site") == site
