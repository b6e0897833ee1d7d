"""Parquet commits: explicit schema, one directory per site and month, atomic files."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow.parquet as pq
import pytest

from corpus import COLUMNS, SCHEMA, load
from corpus.writer import CorpusWriter
from crawler.items import Article

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def article(i, month=6, site="demo-laocai"):
    return Article(url=f"https://a.vn/bai-{i}-post{i}.html", site=site, title=f"Bài {i}",
                   text="Dòng một\nDòng hai", captions=["Ảnh: A"], tags=["nông nghiệp"],
                   published_at=datetime(2025, month, 30, 23, 30, tzinfo=VN),
                   published_raw="30/06/2025 23:30", tokens="Dòng một\nDòng hai", n_words=4,
                   n_sentences=2, content_hash=f"h{i}", run_id="r1",
                   crawled_at=datetime(2026, 1, 1, tzinfo=timezone.utc))


def test_layout_schema_and_roundtrip(tmp_path):
    writer = CorpusWriter(tmp_path, "r1", flush_rows=2)
    assert writer.add(article(1)) == []                       # buffered, nothing on disk
    assert not list(tmp_path.rglob("*.parquet"))
    committed = writer.add(article(2, month=7))                # flush at 2 rows, 2 files
    assert sorted(len(rows) for _, rows in committed) == [1, 1]
    writer.add(article(3, site="demo-cantho"))
    writer.flush()
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.parquet"))
    assert files == ["demo-cantho/2025-06/r1-0003.parquet", "demo-laocai/2025-06/r1-0001.parquet",
                     "demo-laocai/2025-07/r1-0002.parquet"]
    for path in tmp_path.rglob("*.parquet"):
        assert pq.read_schema(path).equals(SCHEMA, check_metadata=False)
    frame = pd.read_parquet(tmp_path)
    assert list(frame.columns) == COLUMNS and len(frame) == 3
    row = frame.set_index("url").loc["https://a.vn/bai-1-post1.html"]
    assert list(row["captions"]) == ["Ảnh: A"] and row["published_at"].hour == 23
    assert str(row["published_at"].tz) == "Asia/Ho_Chi_Minh"


def test_load_filters_by_site(tmp_path):
    writer = CorpusWriter(tmp_path, "r1")
    for i in range(3):
        writer.add(article(i, site="demo-laocai" if i else "demo-cantho"))
    writer.flush()
    assert len(load(tmp_path, columns=["url"], sites=["demo-cantho"])) == 1


def test_failed_write_leaves_no_file(tmp_path, monkeypatch):
    """A crash while writing leaves at most an ignored dot-temp file, never a partial parquet."""
    import corpus.writer as writer_module

    def explode(self, table, **kw):
        self.close()                   # the temp file holds a header and no rows
        raise OSError("disk full")
    monkeypatch.setattr(writer_module.pq.ParquetWriter, "write_table", explode)
    writer = CorpusWriter(tmp_path, "r1")
    writer.add(article(1))
    with pytest.raises(OSError):
        writer.flush()
    assert not list(tmp_path.rglob("*.parquet"))
    assert len(load(tmp_path)) == 0
