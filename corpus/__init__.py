"""The parquet corpus: schema, atomic writer, reader."""
from corpus.reader import load, scan
from corpus.schema import COLUMNS, SCHEMA

__all__ = ["COLUMNS", "SCHEMA", "load", "scan"]
