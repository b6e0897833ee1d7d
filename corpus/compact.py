"""Compaction: each partition's many small files (one per commit of every run) merged into
one file, rewritten to the current schema (v1 files upgraded), rows and their order kept.

Readers never see a half-written state. The merged file is written into a hidden sibling
directory (`DIR/<site>/.<YYYY-MM>.compact`), fsynced, and the two directories are swapped
in one atomic step (Linux renameat2 RENAME_EXCHANGE): a reader lists either every old file
or the merged one, never both and never neither. Where the exchange is not available, two
renames are used and a reader at that instant may miss the partition for a moment (never
see it twice). The old files are deleted after every partition is swapped and a short grace
(a reader that was listing an old directory finishes with all of it). A crash leaves either the old files or the
merged one in place, plus a hidden directory the next compaction removes.

Run it under the corpus's run lock (the `compact` command and the harvest do)."""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.reader import files, read_file
from corpus.schema import SCHEMA, SCHEMA_VERSION
from corpus.writer import fsync_path, write_tables_atomic

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass
class Compacted:
    """One partition merged: its old files (relative to the corpus) and the new one."""
    partition: str
    old: list[str]
    new: str
    rows: int = 0                 # rows merged (the state's file list records the count)


def needs_compaction(paths: list[Path], min_files: int, upgrade: bool = True) -> bool:
    """Enough small files, or (with `upgrade`) a file of an older schema version."""
    if len(paths) >= min_files:
        return True
    return upgrade and any(_version(p) != SCHEMA_VERSION for p in paths)


def _version(path: Path) -> str | None:
    metadata = pq.read_schema(path).metadata or {}
    return (metadata.get(b"vnnews.schema_version") or b"").decode() or None


def partitions(directory: Path) -> dict[Path, list[Path]]:
    found: dict[Path, list[Path]] = {}
    for path in files(directory):
        found.setdefault(path.parent, []).append(path)
    return found


def compact(directory: str | Path, min_files: int = 2, name: str = "compact",
            upgrade: bool = True) -> list[Compacted]:
    """Merge every partition with at least `min_files` files, or, with `upgrade`, holding a
    file of an older schema (that check reads every file's footer: `corpus compact` does it,
    the end of a crawl does not, so its cost stays with what the crawl added)."""
    directory = Path(directory)
    remove_leftovers(directory)
    done, swapped_out = [], []
    for folder, paths in sorted(partitions(directory).items()):
        if needs_compaction(paths, min_files, upgrade):
            done.append(_compact_partition(directory, folder, paths, name))
            swapped_out.append(folder.with_name(f".{folder.name}.compact"))
    if swapped_out:
        # A reader that opened a partition's directory just before its swap is still listing
        # the old files: deleting them under it would show it part of the partition.
        time.sleep(READER_GRACE_SECONDS)
        for old in swapped_out:
            shutil.rmtree(old, ignore_errors=True)
    return done


READER_GRACE_SECONDS = 0.5


def _compact_partition(directory: Path, folder: Path, paths: list[Path], name: str) -> Compacted:
    rel = folder.relative_to(directory).as_posix()
    staging = folder.with_name(f".{folder.name}.compact")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    target = staging / f"{name}-{len(paths)}files.parquet"
    done = Compacted(rel, [p.relative_to(directory).as_posix() for p in paths], f"{rel}/{target.name}")
    # Streamed, file by file: a partition of a large crawl does not have to fit in memory.
    write_tables_atomic(_merged_tables(paths, done), target, SCHEMA)
    _swap(staging, folder)               # staging now holds the old files: compact() removes them
    return done


def _merged_tables(paths: list[Path], done: Compacted):
    """Each file's table in the current schema, in order, counted into `done.rows`."""
    for path in paths:
        table = _as_current(read_file(path, schema=None))
        done.rows += table.num_rows
        yield table


def _as_current(table: pa.Table) -> pa.Table:
    """A table of any earlier schema version as the current schema (missing columns null)."""
    columns = [table.column(f.name).cast(f.type) if f.name in table.column_names
               else pa.nulls(len(table), f.type) for f in SCHEMA]
    return pa.Table.from_arrays(columns, schema=SCHEMA)


def _swap(new: Path, old: Path) -> None:
    """Exchange two directories atomically when the kernel can; else two renames."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None and renameat2(_AT_FDCWD, os.fsencode(new), _AT_FDCWD,
                                           os.fsencode(old), _RENAME_EXCHANGE) == 0:
        fsync_path(old.parent)
        return
    parked = old.with_name(f".{old.name}.old")
    os.replace(old, parked)
    os.replace(new, old)
    os.replace(parked, new)
    fsync_path(old.parent)


def remove_leftovers(directory: Path) -> int:
    """Clean up after an interrupted compaction; no partition's rows are lost or doubled.

    `.X.old` holds the old files when the two-rename fallback stopped half-way: put back if
    X is missing, else X already holds the merged file and it goes. `.X.compact` is either
    an unfinished merge or the swapped-out old files: X is intact either way, so it goes."""
    count = 0
    for parked in [p for p in directory.glob("*/.*.old") if p.is_dir()]:
        partition = parked.with_name(parked.name[1:-len(".old")])
        if partition.exists():
            shutil.rmtree(parked)
        else:
            os.replace(parked, partition)
        count += 1
    for staging in [p for p in directory.glob("*/.*.compact") if p.is_dir()]:
        shutil.rmtree(staging)
        count += 1
    return count
