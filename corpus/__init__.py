"""The parquet corpus: schema, atomic writer, readers, near-duplicates, statistics, card."""
import importlib

__all__ = ["COLUMNS", "SCHEMA", "files", "load", "load_polars", "parquet_glob", "scan", "scan_polars"]
_HOME = {"COLUMNS": "corpus.schema", "SCHEMA": "corpus.schema"} | \
    dict.fromkeys(["files", "load", "load_polars", "parquet_glob", "scan", "scan_polars"], "corpus.reader")


def __getattr__(name: str):
    # Imported on first use: a worker process that only sketches texts (corpus.minhash)
    # must not pay pyarrow's import and memory.
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'corpus' has no attribute {name!r}")
