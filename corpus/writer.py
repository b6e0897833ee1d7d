"""Atomic parquet commits: rows are buffered, then each file is written to a temp name,
fsynced and renamed. A crash leaves only complete files (and maybe an ignored .tmp)."""
from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.faults import crash_point
from corpus.schema import article_row, rows_to_table

ROW_GROUP_SIZE = 20_000
# A streamed write (write_tables_atomic) holds about one row group: a compaction's memory stays
# the same however large the partition grows.
ROW_GROUP_BYTES = 16 << 20


def partition(row: dict) -> str:
    """DIR/<site>/<YYYY-MM>/: one directory per site and month of publication."""
    when = row.get("published_at")
    month = when.strftime("%Y-%m") if when else "undated"
    return f"{row['site']}/{month}"


def write_atomic(table: pa.Table, path: Path, before_rename=None) -> None:
    """Write one table to a temp dot-name, fsync, call `before_rename` (if any), rename it
    over `path`, fsync the folder."""
    write_tables_atomic([table], path, table.schema, before_rename)


def write_tables_atomic(tables: Iterable[pa.Table], path: Path, schema: pa.Schema,
                        before_rename=None) -> None:
    """write_atomic for the rows of `tables` one after another (each of `schema`), with
    about one row group (ROW_GROUP_SIZE rows or ROW_GROUP_BYTES) in memory at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        held, rows, size, written = [], 0, 0, False
        for table in tables:
            held.append(table)
            rows, size = rows + table.num_rows, size + table.nbytes
            if rows >= ROW_GROUP_SIZE or size >= ROW_GROUP_BYTES:
                writer.write_table(pa.concat_tables(held), row_group_size=ROW_GROUP_SIZE)
                held, rows, size, written = [], 0, 0, True
        if rows or not written:
            # An empty file still gets one (empty) row group, as pq.write_table gives it.
            writer.write_table(pa.concat_tables(held) if held else schema.empty_table(),
                               row_group_size=ROW_GROUP_SIZE)
    _commit(tmp, path, before_rename)


def _commit(tmp: Path, path: Path, before_rename=None) -> None:
    """fsync the written temp file, rename it over `path`, fsync the folder."""
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    crash_point("before_rename")
    if before_rename is not None:
        before_rename()
    os.replace(tmp, path)
    fsync_path(path.parent)


def fsync_path(path: Path) -> None:
    """fsync a file or a directory (a rename is durable once its directory is)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class CorpusWriter:
    """Buffers articles and commits them as new parquet files; never appends in place."""

    def __init__(self, directory: str | Path, run_id: str, flush_rows: int = 1000,
                 before_commit=None):
        self.directory = Path(directory)
        self.before_commit = before_commit   # called with a file's rows just before its rename
        self.run_id = run_id
        self.flush_rows = flush_rows
        self.buffer: list[dict] = []
        self.sequence = 0
        self.files: list[Path] = []

    def add(self, article) -> list[tuple[Path, list[dict]]]:
        """Buffer one article; returns the (file, rows) committed by this call (maybe none)."""
        self.buffer.append(article_row(article))
        return self.flush() if len(self.buffer) >= self.flush_rows else []

    def flush(self) -> list[tuple[Path, list[dict]]]:
        """Commit the buffer, one file per site and month; rows leave the buffer only once
        their file is committed, so a failed flush never loses or repeats a row."""
        groups = defaultdict(list)
        for row in self.buffer:
            groups[partition(row)].append(row)
        committed = []
        for key, rows in sorted(groups.items()):
            self.sequence += 1
            path = self.directory / key / f"{self.run_id}-{self.sequence:04d}.parquet"
            hook = (lambda rows=rows: self.before_commit(rows)) if self.before_commit else None
            write_atomic(rows_to_table(rows), path, before_rename=hook)
            self.files.append(path)
            committed.append((path, rows))
            self.buffer = [r for r in self.buffer if partition(r) != key]
        return committed


def new_run_id() -> str:
    """Sortable and unique enough for one machine: UTC time + process id."""
    from datetime import datetime, timezone
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + f"-{os.getpid()}"


def run_id_for(crawler) -> str:
    """The run id of a crawl: VNNEWS_RUN_ID, or one made once and shared by all components."""
    if not hasattr(crawler, "vnnews_run_id"):
        crawler.vnnews_run_id = crawler.settings.get("VNNEWS_RUN_ID") or new_run_id()
    return crawler.vnnews_run_id
