"""vnnews: harvest Vietnamese news into a clean, word-segmented parquet corpus."""

__version__ = "0.1.0"
