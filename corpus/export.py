"""Exports of the corpus for tools that do not read it in place:

- jsonl: one JSON object per article, UTF-8, times as ISO 8601 strings, lists as arrays;
- csv: RFC 4180 (fields with line breaks are quoted), times as ISO 8601, list columns as
  JSON arrays;
- hf: a folder that `datasets.load_dataset("parquet", data_dir=PATH)` (or just
  `load_dataset(PATH)`) loads: data/train-NNNNN-of-NNNNN.parquet shards of at most
  SHARD_ROWS articles, same schema, and a README.md dataset card with the config in its
  YAML header.

Each export is written under a temporary dot-name beside PATH and renamed when complete, so
PATH is either absent or whole. Rows are streamed in batches; memory stays flat."""
from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.reader import scan, where
from corpus.schema import SCHEMA
from corpus.writer import ROW_GROUP_SIZE

FORMATS = ("jsonl", "csv", "hf")
STDOUT = "-"
SHARD_ROWS = 50_000  # ~300 MB of text and tokens, ~80 MB of zstd parquet per shard
BATCH_ROWS = 5_000


class ExportError(ValueError):
    """A request that cannot be exported (bad format or column, PATH exists)."""


def export(directory: str | Path, fmt: str, out: str | Path, *, columns=None, sites=None,
           since=None, canonical_only: bool = False, overwrite: bool = False,
           shard_rows: int = SHARD_ROWS) -> dict:
    """Export the corpus (optionally filtered) to `out`; returns {"rows", "files", "path"}."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if str(out) == STDOUT:
        return _to_stdout(directory, fmt, columns, sites, since, canonical_only)
    out = Path(out)
    if out.exists() and not overwrite:
        raise ExportError(f"{out} exists (use --overwrite to replace it)")
    batches = _batches(directory, columns, sites, since, canonical_only)
    schema = pa.schema([SCHEMA.field(c) for c in columns]) if columns else SCHEMA
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        rows, files = WRITERS[fmt](batches, tmp, schema, shard_rows)
        _replace(tmp, out)
    finally:
        _remove(tmp)
    return {"rows": rows, "files": files, "path": str(out)}


def _to_stdout(directory, fmt, columns, sites, since, canonical_only) -> dict:
    """`--out -`: JSON lines or CSV streamed to standard output (a pipe, `| gzip`, `| jq`)."""
    if fmt not in STREAMS:
        raise ExportError(f"{fmt} writes a folder: give --out FOLDER, not -")
    batches = _batches(directory, columns, sites, since, canonical_only)
    schema = pa.schema([SCHEMA.field(c) for c in columns]) if columns else SCHEMA
    rows = STREAMS[fmt](batches, sys.stdout, schema)
    sys.stdout.flush()
    return {"rows": rows, "files": 1, "path": STDOUT}


def _batches(directory, columns, sites, since, canonical_only):
    unknown = [c for c in columns or [] if c not in SCHEMA.names]
    if unknown:
        raise ExportError(f"unknown column(s): {', '.join(unknown)}")
    condition = where(sites=sites, since=since)
    if canonical_only:  # one row per near-duplicate cluster: the canonical member
        import pyarrow.dataset as ds
        alone = ds.field("dup_of").is_null()
        condition = alone if condition is None else condition & alone
    dataset = scan(directory)
    return dataset.to_batches(columns=columns, filter=condition, batch_size=BATCH_ROWS)


def _replace(tmp: Path, out: Path) -> None:
    if out.is_dir():
        shutil.rmtree(out)
    os.replace(tmp, out)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


# -- jsonl and csv -------------------------------------------------------------------
def _plain(value):
    """JSON-able value: times as ISO strings (numpy arrays never reach here)."""
    return value.isoformat() if isinstance(value, datetime) else value


def jsonl_to(batches, handle, _schema=None) -> int:
    rows = 0
    for batch in batches:
        for row in batch.to_pylist():
            handle.write(json.dumps({k: _plain(v) for k, v in row.items()}, ensure_ascii=False) + "\n")
            rows += 1
    return rows


def csv_to(batches, handle, schema: pa.Schema) -> int:
    rows = 0
    writer = csv.DictWriter(handle, fieldnames=schema.names)
    writer.writeheader()
    for batch in batches:
        for row in batch.to_pylist():
            writer.writerow({k: _csv_cell(v) for k, v in row.items()})
            rows += 1
    return rows


def write_jsonl(batches, path: Path, schema=None, _shard_rows=None) -> tuple[int, int]:
    with open(path, "w", encoding="utf-8") as handle:
        return jsonl_to(batches, handle, schema), 1


def write_csv(batches, path: Path, schema: pa.Schema, _shard_rows=None) -> tuple[int, int]:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        return csv_to(batches, handle, schema), 1


def _csv_cell(value):
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return _plain(value)


# -- Hugging Face folder -------------------------------------------------------------
def write_hf(batches, folder: Path, schema: pa.Schema, shard_rows: int) -> tuple[int, int]:
    """Shards of at most shard_rows rows, named once their count is known."""
    data = folder / "data"
    data.mkdir(parents=True)
    shards, pending, rows = [], [], 0
    for batch in batches:
        pending.append(batch)
        rows += batch.num_rows
        while sum(b.num_rows for b in pending) >= shard_rows:
            pending = _flush_shard(pending, shard_rows, data, shards)
    if pending or not shards:
        _write_shard(pa.Table.from_batches(pending, schema=schema), data, shards)
    _name_shards(shards)
    (folder / "README.md").write_text(hf_card(rows, len(shards), schema), encoding="utf-8")
    return rows, len(shards)


def _flush_shard(pending: list, shard_rows: int, data: Path, shards: list) -> list:
    table = pa.Table.from_batches(pending)  # never empty: called with shard_rows rows or more
    _write_shard(table.slice(0, shard_rows), data, shards)
    rest = table.slice(shard_rows)
    return rest.to_batches() if rest.num_rows else []


def _write_shard(table: pa.Table, data: Path, shards: list) -> None:
    path = data / f"part-{len(shards):05d}.parquet"
    pq.write_table(table, path, row_group_size=ROW_GROUP_SIZE, compression="zstd")
    shards.append(path)


def _name_shards(shards: list) -> None:
    """train-00000-of-00003.parquet: the Hub's shard naming, which needs the total."""
    for index, path in enumerate(shards):
        path.rename(path.with_name(f"train-{index:05d}-of-{len(shards):05d}.parquet"))


def hf_card(rows: int, shards: int, schema: pa.Schema) -> str:
    """The dataset card: YAML config for `datasets`, then what the data is."""
    from corpus.schema import FIELDS
    meaning = {name: text for name, _, text in FIELDS}
    columns = "\n".join(f"- `{f.name}` ({f.type}): {meaning.get(f.name, '')}" for f in schema)
    return ("---\nlanguage:\n- vi\npretty_name: vnnews Vietnamese news corpus\n"
            "configs:\n- config_name: default\n"
            "  data_files:\n  - split: train\n    path: data/train-*.parquet\n---\n\n"
            "# vnnews: Vietnamese provincial and national news\n\n"
            f"{rows:,} articles in {shards} parquet shard(s), exported from a vnnews corpus. "
            "Near-duplicates are marked, not removed: rows with a `dup_of` are republications "
            "of the row with that url (keep `dup_of` null for one row per story). The "
            "articles' copyright stays with the newspapers that published them.\n\n"
            "```python\nfrom datasets import load_dataset\n"
            "ds = load_dataset(\"parquet\", data_dir=\"THIS_FOLDER\", split=\"train\")\n```\n\n"
            f"## Columns\n\n{columns}\n\nThe text policies (normalisation, word segmentation) "
            "and the counts per site and province are in the corpus's data card "
            "(`python -m corpus card DIR`).\n")


WRITERS = {"jsonl": write_jsonl, "csv": write_csv, "hf": write_hf}
STREAMS = {"jsonl": jsonl_to, "csv": csv_to}
