"""Command line: `python -m corpus COMMAND DIR` (stats, card, export, neardup, compact).

Library first: each command is a thin layer over corpus.stats, corpus.card, corpus.export
and corpus.neardup. Exit codes follow the vnnews table: a user error (bad option, missing or
unreadable corpus, unknown column) exits 2 and an output that cannot be written (full disk,
read-only) exits 1, each with one line "corpus: error: ...", no traceback; 75 when a crawl
holds the corpus (compact)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pyarrow as pa


def site_sources() -> dict:
    """site id -> (name, first domain), from the registry; empty when a site file is broken
    (the card must not fail for that)."""
    from crawler.sites.registry import RegistryError, load_registry
    try:
        return {s.id: (s.name, s.domains[0]) for s in load_registry().values()}
    except RegistryError:
        return {}


class UserError(Exception):
    """A mistake of the user's (or an unreadable corpus): one line, exit 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UserError(f"{message} (see: {self.prog} --help)")


def formatter(prog):
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


COMMANDS = {}


def command(name: str, help: str, example: str, args):
    """Register a sub-command; every command documents an example in its help."""
    def register(func):
        COMMANDS[name] = (func, help, example, args)
        return func
    return register


def corpus_dir(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{value} is not a corpus directory")
    return path


def add_dir(p) -> None:
    p.add_argument("dir", type=corpus_dir, metavar="DIR", help="corpus directory")


def csv_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


# -- commands ------------------------------------------------------------------------
def add_stats_args(p):
    add_dir(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")


@command("stats", "articles, words, dates per site and province; drop and duplicate rates",
         "python -m corpus stats demo-corpus --json", add_stats_args)
def cmd_stats(args) -> int:
    from corpus import stats
    figures = stats.compute(args.dir)
    print(stats.to_json(figures) if args.json else stats.format_stats(figures))
    return 0


def add_card_args(p):
    add_dir(p)
    p.add_argument("--out", type=Path, metavar="FOLDER",
                   help="write README.md and the plots here (default: DIR/_card/)")


@command("card", "write the data card (README.md + PNG plots) to DIR/_card/",
         "python -m corpus card demo-corpus", add_card_args)
def cmd_card(args) -> int:
    from corpus.card import write_card
    readme = write_card(args.dir, args.out, site_sources())
    print(f"data card: {readme} (plots beside it)")
    return 0


def add_export_args(p):
    from corpus.export import FORMATS, SHARD_ROWS
    add_dir(p)
    p.add_argument("--format", required=True, choices=FORMATS, help="output format")
    p.add_argument("--out", required=True, metavar="PATH",
                   help="output file (jsonl, csv; - for standard output) or folder (hf)")
    p.add_argument("--columns", type=csv_list, metavar="A,B", help="only these columns")
    p.add_argument("--sites", type=csv_list, metavar="ID,ID", help="only these sites")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="only articles published since")
    p.add_argument("--canonical-only", action="store_true",
                   help="leave out near-duplicates (rows with a dup_of)")
    p.add_argument("--shard-rows", type=int, default=SHARD_ROWS, metavar="N",
                   help=f"hf: articles per parquet shard (default {SHARD_ROWS})")
    p.add_argument("--overwrite", action="store_true", help="replace PATH if it exists")


@command("export", "export the corpus as JSON lines, CSV or a Hugging Face parquet folder",
         "python -m corpus export demo-corpus --format hf --out demo-hf", add_export_args)
def cmd_export(args) -> int:
    from corpus.export import export
    if args.shard_rows < 1:
        raise UserError("--shard-rows must be >= 1")
    done = export(args.dir, args.format, args.out, columns=args.columns, sites=args.sites,
                  since=args.since, canonical_only=args.canonical_only,
                  overwrite=args.overwrite, shard_rows=args.shard_rows)
    report = sys.stderr if done["path"] == "-" else sys.stdout    # stdout holds the rows
    print(f"exported {done['rows']} articles to {done['path']} ({done['files']} file(s))", file=report)
    return 0


def add_neardup_args(p):
    add_dir(p)
    p.add_argument("--json", action="store_true", help="print the counts as one JSON object")


@command("neardup", "mark near-duplicates (dup_of, dup_cluster) across sites and runs",
         "python -m corpus neardup demo-corpus", add_neardup_args)
def cmd_neardup(args) -> int:
    from corpus import neardup
    result = neardup.update(args.dir)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"near-duplicates: {result['articles']} articles ({result['sketched']} newly sketched), "
          f"{result['clusters']} clusters, {result['duplicates']} rows marked dup_of, "
          f"{result['files_rewritten']} files rewritten (containment >= {result['min_containment']}, "
          f"{result['seconds']} s)")
    return 0


def add_compact_args(p):
    add_dir(p)
    p.add_argument("--min-files", type=int, default=2, metavar="N",
                   help="merge a partition once it has N files or more (default 2); partitions "
                        "holding files of an older schema are always rewritten")


@command("compact", "merge each partition's small files into one, atomically (v1 files upgraded)",
         "python -m corpus compact demo-corpus", add_compact_args)
def cmd_compact(args) -> int:
    """Exit 75 (like harvest) when a run holds the corpus: compaction waits for it."""
    from corpus.compact import compact
    from crawler.harvest.runlock import Locked, RunLock
    from crawler.harvest.state import follow_compaction
    from corpus.writer import new_run_id
    if args.min_files < 1:
        raise UserError("--min-files must be >= 1")
    try:
        lock = RunLock(args.dir).acquire(new_run_id())
    except Locked as exc:
        print(f"corpus: {exc}", file=sys.stderr)
        return 75
    with lock:
        done = compact(args.dir, args.min_files)
        follow_compaction(args.dir, done)
    merged = sum(len(p.old) for p in done)
    print(f"compacted {len(done)} partitions: {merged} files into {len(done)}")
    return 0


# -- entry point ---------------------------------------------------------------------
def build_parser() -> Parser:
    parser = Parser(prog="corpus", formatter_class=formatter,
                    description="Inspect, describe and export a vnnews parquet corpus.",
                    epilog="examples:\n" + "\n".join(f"  {c[2]}" for c in COMMANDS.values()))
    subs = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name, (func, help_text, example, add_args) in COMMANDS.items():
        sub = subs.add_parser(name, help=help_text, description=help_text,
                              epilog=f"example:\n  {example}", formatter_class=formatter)
        add_args(sub)
        sub.set_defaults(func=func)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        return args.func(args)
    except BrokenPipeError:
        from crawler.cli.main import reader_left
        return reader_left()
    except (UserError, ValueError, pa.ArrowException, OSError) as exc:
        print(f"corpus: error: {_one_line(exc)}", file=sys.stderr)
        return 1 if isinstance(exc, OSError) else 2    # OSError: the output could not be written
    except KeyboardInterrupt:
        print("corpus: interrupted", file=sys.stderr)
        return 130


def _one_line(exc: Exception) -> str:
    """Arrow messages span lines (a schema dump); the first line says what went wrong."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
