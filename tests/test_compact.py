"""corpus compact: many small files per partition become one, atomically; v1 files are
upgraded; every reader sees the same rows after; the harvest state's file list follows."""
from __future__ import annotations

import os
import sqlite3
import threading

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

import corpus  # noqa: E402
from corpus import compact as compaction  # noqa: E402
from crawler.cli.corpus import main  # noqa: E402
from corpus.writer import CorpusWriter  # noqa: E402
from crawler.harvest.runlock import RunLock  # noqa: E402
from crawler.harvest.state import HarvestState  # noqa: E402
from test_corpus_readers import article, canonical  # noqa: E402


def many_runs(out, runs=4, per_run=3):
    """`runs` runs, each committing `per_run` one-row files to the same partitions."""
    n = 0
    for run in range(runs):
        writer = CorpusWriter(out, f"r{run}", flush_rows=1)
        for _ in range(per_run):
            site = ("demo-laocai", "demo-cantho")[n % 2]
            for path, rows in writer.add(article(n, site=site)):
                pass
            n += 1
        writer.flush()
    return n


def v1_file(out):
    """A file as schema v1 wrote it: int32 counts, no province_before_2025/lang/vi_share/layout."""
    table = corpus.scan(out).to_table().slice(0, 1)
    old = [c for c in table.column_names if c not in ("province_before_2025", "lang", "vi_share",
                                                       "layout")]
    table = table.select(old)
    table = table.set_column(table.column_names.index("n_words"), "n_words",
                             table.column("n_words").cast(pa.int32()))
    table = table.replace_schema_metadata({"vnnews.schema_version": "1"})
    path = out / "demo-laocai" / "2025-06" / "old-v1.parquet"
    table = table.set_column(0, "url", pa.array(["https://old.vn/v1.html"]))
    pq.write_table(table, path)
    return path


def test_compact_merges_partitions_and_every_reader_agrees(tmp_path):
    import duckdb
    import polars as pl
    from datasets import load_dataset
    out = tmp_path / "c"
    rows = many_runs(out)
    v1_file(out)
    before = canonical(corpus.load(out))
    assert len(corpus.files(out)) == rows + 1 and len(before) == rows + 1
    done = compaction.compact(out)
    assert sorted(p.partition for p in done) == ["demo-cantho/2025-06", "demo-laocai/2025-06"]
    assert len(corpus.files(out)) == 2
    for path in corpus.files(out):
        assert pq.read_schema(path).equals(corpus.SCHEMA, check_metadata=False)
    assert canonical(corpus.load(out)) == before
    glob = corpus.parquet_glob(out)
    counts = {
        "pandas": len(corpus.load(out)),
        "pyarrow": corpus.scan(out).count_rows(),
        "polars": pl.scan_parquet(glob, hive_partitioning=False).collect().height,
        "duckdb": duckdb.sql(f"select count(*) from read_parquet('{glob}')").fetchall()[0][0],
        "datasets": load_dataset("parquet", data_files=glob, split="train",
                                 cache_dir=str(tmp_path / "hf")).num_rows}
    assert set(counts.values()) == {rows + 1}, counts
    assert compaction.compact(out) == []            # one current file per partition: nothing to do


def test_a_large_partition_is_merged_a_row_group_at_a_time(tmp_path, monkeypatch):
    """The merged file is streamed: row groups stay within ROW_GROUP_BYTES (here about two
    input files), rows and their order are those of the old files read one after another,
    and the compaction counts every merged row once."""
    from corpus import writer
    out = tmp_path / "c"
    many_runs(out, runs=5, per_run=4)
    old_files = sorted(p for p in corpus.files(out) if "demo-laocai" in p.parts)
    expected = [url for p in old_files for url in pq.read_table(p).column("url").to_pylist()]
    one_file = pq.read_table(old_files[0]).nbytes
    monkeypatch.setattr(writer, "ROW_GROUP_BYTES", 2 * one_file)
    done = {part.partition: part for part in compaction.compact(out)}["demo-laocai/2025-06"]
    merged = pq.ParquetFile(out / done.new)
    groups = [merged.metadata.row_group(i).num_rows for i in range(merged.metadata.num_row_groups)]
    assert len(old_files) == 10 and groups == [2, 2, 2, 2, 2]
    assert merged.read().column("url").to_pylist() == expected
    assert done.rows == len(expected)
    assert merged.schema_arrow.equals(corpus.SCHEMA, check_metadata=False)


def test_the_end_of_a_crawl_counts_files_without_reading_old_ones(tmp_path, monkeypatch):
    """Harvest-end compaction decides from the file count alone (its cost must not grow with
    the corpus); upgrading v1 files stays with `corpus compact`."""
    out = tmp_path / "c"
    writer = CorpusWriter(out, "r1")
    for n in range(3):
        writer.add(article(n, site="demo-laocai"))
    writer.flush()
    old = v1_file(out)
    monkeypatch.setattr(compaction, "_version", lambda path: pytest.fail(f"read {path}"))
    assert compaction.compact(out, min_files=20, upgrade=False) == []
    assert old.exists()
    monkeypatch.undo()
    assert [p.partition for p in compaction.compact(out, min_files=20)] == ["demo-laocai/2025-06"]


def test_a_reader_never_sees_a_partition_twice_or_not_at_all(tmp_path):
    out = tmp_path / "c"
    rows = many_runs(out, runs=6)
    seen, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            try:
                seen.append(corpus.scan(out).count_rows())
            except (FileNotFoundError, OSError, pa.ArrowInvalid):
                seen.append("error")                 # a file listed, then gone: not a clean view

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(5):
            compaction.compact(out, min_files=1)
    finally:
        stop.set()
        reader.join()
    assert seen and all(count == rows for count in seen if count != "error")


def test_old_files_outlive_every_swap_by_a_grace_for_readers_still_listing_them(tmp_path,
                                                                                  monkeypatch):
    # A reader that opened a partition just before its swap lists the old files: they must
    # all still be there, not half deleted, while it finishes (the race a busy CI host hit)
    out = tmp_path / "c"
    many_runs(out, runs=3)
    old_files = {p.name for p in corpus.files(out)}
    during_grace = {}

    def grace(seconds):
        during_grace["swapped"] = {p.name for p in corpus.files(out)}
        during_grace["old"] = {p.name for p in out.glob("*/.*.compact/*.parquet")}
        during_grace["seconds"] = seconds

    monkeypatch.setattr(compaction.time, "sleep", grace)
    compaction.compact(out, min_files=1)
    assert during_grace["old"] == old_files                 # every old file, none deleted yet
    assert during_grace["swapped"] == {p.name for p in corpus.files(out)}   # after every swap
    assert during_grace["seconds"] > 0 and not list(out.glob("*/.*.compact"))


def test_an_interrupted_two_rename_swap_is_put_back(tmp_path):
    out = tmp_path / "c"
    rows = many_runs(out)
    partition = out / "demo-laocai" / "2025-06"
    parked = partition.with_name(".2025-06.old")
    os.replace(partition, parked)                    # crashed between the fallback's renames
    (partition.with_name(".2025-06.compact")).mkdir()
    compaction.compact(out)
    assert corpus.scan(out).count_rows() == rows
    assert not parked.exists() and not partition.with_name(".2025-06.compact").exists()


def test_cli_waits_for_a_run_and_keeps_the_state_in_step(tmp_path, capsys):
    out = tmp_path / "c"
    many_runs(out, runs=2)
    state = HarvestState(out)
    state.reconcile()
    state.close()
    with RunLock(out).acquire("other-run"):
        assert main(["compact", str(out)]) == 75
    assert "locked" in capsys.readouterr().err
    assert main(["compact", str(out)]) == 0
    assert "compacted 2 partitions: 6 files into 2" in capsys.readouterr().out
    listed = {row[0] for row in sqlite3.connect(out / "_state.sqlite").execute("SELECT path FROM files")}
    assert listed == {p.relative_to(out).as_posix() for p in corpus.files(out)}


def test_a_harvest_compacts_at_its_threshold_and_still_adds_each_article_once(web, tmp_path):
    import json

    from conftest import LOCAL, run_cli
    root, servers = web
    out = tmp_path / "c"
    args = ("crawl", "demo-laocai", "--out", out, "--base-url", servers["demo-laocai"].base_url,
            "--max-articles", "3", "-s", "CORPUS_COMPACT_MIN_FILES=2", "-s", "CORPUS_FLUSH_ROWS=1",
            *LOCAL)
    for _ in range(3):
        done = run_cli(*args)
        assert done.returncode == 0, done.stderr
    frame = corpus.load(out)
    assert frame.url.is_unique and len(frame) == 8           # all the fixture site has, once
    partitions = compaction.partitions(out)
    assert all(len(paths) == 1 for paths in partitions.values()), partitions
    manifests = [json.loads(p.read_text()) for p in sorted((out / "_runs").glob("*.json"))]
    assert sum(m["partitions_compacted"] for m in manifests) >= 1
    # the near-duplicate index follows the merged files: each run sketches only the articles
    # it added, not the partitions the previous run compacted
    assert [m["near_duplicates"]["sketched"] for m in manifests] == \
        [m["articles_new"] for m in manifests]
    assert sum(m["near_duplicates"]["articles"] for m in manifests[-1:]) == len(frame)


def test_the_run_summary_counts_the_corpus_one_file_at_a_time(tmp_path, monkeypatch):
    """The end-of-run summary's per-site articles and words, on a corpus not compacted (one
    small file per commit, a v1 file among them), equal the whole-corpus figures of
    corpus.load, and are read file by file: a pyarrow dataset over a 12,000-file corpus held
    1.2 GB."""
    from corpus import reader
    from crawler.harvest.summary import corpus_counts
    out = tmp_path / "c"
    many_runs(out)
    v1_file(out)
    frame = corpus.load(out, columns=["site", "n_words"])
    expected = {site: (len(group), int(group["n_words"].sum())) for site, group in frame.groupby("site")}
    monkeypatch.setattr(reader, "scan", lambda *a, **k: (_ for _ in ()).throw(AssertionError("dataset")))
    assert corpus_counts(out) == expected and len(expected) == 2
