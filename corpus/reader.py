"""Read the corpus: every committed parquet file under DIR (files starting with _ or . are
state, logs and temp files, which pyarrow ignores)."""
from __future__ import annotations

from pathlib import Path

import pyarrow.dataset as ds

from corpus.schema import SCHEMA


def scan(directory: str | Path) -> ds.Dataset:
    """A lazy pyarrow dataset over the corpus (filter and project before loading)."""
    return ds.dataset(str(directory), format="parquet", schema=SCHEMA)


def load(directory: str | Path, columns: list[str] | None = None, sites=None):
    """The corpus as a pandas DataFrame; `sites` restricts to some site ids."""
    dataset = scan(directory)
    where = ds.field("site").isin(list(sites)) if sites else None
    return dataset.to_table(columns=columns, filter=where).to_pandas()


def known_keys(directory: str | Path) -> tuple[set[str], set[str]]:
    """(URLs, content hashes) already committed: the cross-run dedup keys."""
    if not Path(directory).is_dir():
        return set(), set()
    table = scan(directory).to_table(columns=["url", "fetched_url", "content_hash"])
    urls = {u for col in ("url", "fetched_url") for u in table.column(col).to_pylist() if u}
    hashes = {h for h in table.column("content_hash").to_pylist() if h}
    return urls, hashes
