"""Read the corpus: every committed parquet file under DIR/<site>/<YYYY-MM>/. Files and
directories starting with _ or . are state, logs and temp files: pyarrow and pandas skip them,
and the glob below never reaches them (no state file ends in .parquet)."""
from __future__ import annotations

import operator
from datetime import date, datetime
from functools import reduce
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from corpus.schema import SCHEMA, VN_TZ

# The layout's fixed depth, for readers that take a glob (polars, DuckDB, Hugging Face).
GLOB = "*/*/*.parquet"


def parquet_glob(directory: str | Path) -> str:
    """`DIR/*/*/*.parquet`: the corpus files for polars, DuckDB or `datasets`."""
    return str(Path(directory) / GLOB)


def files(directory: str | Path) -> list[Path]:
    """The committed parquet files, sorted (temp dot-files and _state are not matched)."""
    return sorted(p for p in Path(directory).glob(GLOB) if not _hidden(p.relative_to(directory)))


def _hidden(relative: Path) -> bool:
    return any(part[:1] in "._" for part in relative.parts)


def read_file(path: str | Path, columns: list[str] | None = None,
              schema: pa.Schema | None = SCHEMA) -> pa.Table:
    """One corpus file: what `pq.read_table(path, columns=columns, schema=schema)` gives.

    A file of the current schema is read directly, in this thread: read_table builds a
    dataset for every call, which costs more than the read itself on the small files a crawl
    commits (~1.3 against ~0.6 ms for a file of a few rows), and the end-of-crawl passes
    read every new file several times. Files of another schema take read_table's path."""
    with pq.ParquetFile(path, pre_buffer=False) as handle:
        if handle.schema_arrow.equals(SCHEMA):
            return handle.read(columns=columns, use_threads=False)
    return pq.read_table(path, columns=columns, schema=schema)


def scan(directory: str | Path) -> ds.Dataset:
    """A lazy pyarrow dataset over the corpus (filter and project before loading)."""
    return ds.dataset(str(directory), format="parquet", schema=SCHEMA)


def scan_polars(directory: str | Path):
    """A lazy polars LazyFrame over the corpus (hive partitioning off: dirs are not key=value)."""
    import polars as pl
    paths = [str(p) for p in files(directory)]
    if not paths:  # scan_parquet refuses an empty list; an empty corpus is still a table
        return pl.from_arrow(SCHEMA.empty_table()).lazy()
    return pl.scan_parquet(paths, hive_partitioning=False)


def load(directory: str | Path, columns: list[str] | None = None, sites=None, since=None,
         until=None, provinces=None, drop_near_duplicates: bool = False):
    """The corpus as a pandas DataFrame.

    `sites`: only these site ids. `provinces`: only papers of these provinces (as the
    `province` column holds them). `since` / `until`: only articles published at or after /
    before this date or time (a `date`, `datetime` or ISO string; dates and naive times are
    Vietnam time); rows without a date are left out then. `drop_near_duplicates`: leave out
    rows marked `dup_of` (a near-duplicate of an earlier article). Filters are pushed down to
    pyarrow, which skips row groups by their statistics, and need not be among `columns`."""
    condition = where(sites, since, until, provinces, drop_near_duplicates)
    return scan(directory).to_table(columns=columns, filter=condition).to_pandas()


def load_polars(directory: str | Path, columns: list[str] | None = None, sites=None, since=None,
                until=None, provinces=None, drop_near_duplicates: bool = False):
    """`load` into a polars DataFrame (same filters, through pyarrow)."""
    import polars as pl
    condition = where(sites, since, until, provinces, drop_near_duplicates)
    return pl.from_arrow(scan(directory).to_table(columns=columns, filter=condition))


def where(sites=None, since=None, until=None, provinces=None,
          drop_near_duplicates: bool = False) -> ds.Expression | None:
    """The pyarrow filter of `load`'s arguments (None when there is none)."""
    kept = [f for f in (
        ds.field("site").isin(list(sites)) if sites else None,
        ds.field("province").isin(list(provinces)) if provinces else None,
        ds.field("published_at") >= since_scalar(since) if since is not None else None,
        ds.field("published_at") < since_scalar(until, "until") if until is not None else None,
        ds.field("dup_of").is_null() if drop_near_duplicates else None) if f is not None]
    return reduce(operator.and_, kept) if kept else None


def since_scalar(since, name: str = "since") -> pa.Scalar:
    """`since` (or `until`) as a published_at scalar; ValueError names the bad value."""
    if isinstance(since, str):
        try:
            since = datetime.fromisoformat(since.strip())
        except ValueError:
            raise ValueError(f"{name}={since!r} is not an ISO date (YYYY-MM-DD[THH:MM])") from None
    if isinstance(since, date) and not isinstance(since, datetime):
        since = datetime(since.year, since.month, since.day)
    if not isinstance(since, datetime):
        raise ValueError(f"{name}={since!r} is not a date, datetime or ISO string")
    if since.tzinfo is None:
        since = since.replace(tzinfo=ZoneInfo(VN_TZ))
    return pa.scalar(since, type=pa.timestamp("us", tz=VN_TZ))

