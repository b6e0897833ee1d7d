"""The command line (`vnnews` / `python -m crawler`): the only place exceptions become exit
codes. Every command is a thin layer over the library."""
from crawler.cli.main import main

__all__ = ["main"]
