"""The parquet corpus: schema, atomic writer, readers, near-duplicates, statistics, card."""
from corpus.reader import files, load, load_polars, parquet_glob, scan, scan_polars
from corpus.schema import COLUMNS, SCHEMA

__all__ = ["COLUMNS", "SCHEMA", "files", "load", "load_polars", "parquet_glob", "scan", "scan_polars"]
