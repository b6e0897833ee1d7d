"""Command line: `python -m crawler COMMAND` (or `vnnews COMMAND` once installed).

Library first: every command is a thin layer over crawler/, pipelines/ and corpus/.
Exit codes (README): 0 ok, 1 failed, 2 usage or user error (argparse's convention), 3 partial,
75 locked; errors are one line on stderr, never a traceback."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from crawler import __version__
from crawler.harvest.runlock import EXIT_LOCKED, Locked
from crawler.sites.registry import RegistryError

EXIT_FAILED, EXIT_USAGE = 1, 2
EXIT_PIPE = 141       # what a shell reports for a tool killed by SIGPIPE (`vnnews ... | head`)


class UserError(Exception):
    """A mistake of the user's (bad argument, unknown site, unreadable file): one line, exit 2,
    before anything is fetched."""
    exit_code = EXIT_USAGE


class CommandFailed(UserError):
    """The command ran and could not do its job (no article in a page, output not writable):
    one line, exit 1."""
    exit_code = EXIT_FAILED


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UserError(f"{self.prog}: {message}")


def formatter(prog):
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


COMMANDS = {}


def command(name: str, help: str, example: str, args=None):
    """Register a sub-command; every command documents an example in its help.

    `args(parser)` adds the command's arguments. Commands may live in other modules
    (crawler/cli/*.py), imported at the end of this one."""
    def register(func):
        COMMANDS[name] = (func, help, example, args or (lambda parser: None))
        return func
    return register


# -- crawl ---------------------------------------------------------------------------
def add_crawl_args(p):
    p.add_argument("sites", nargs="*", metavar="SITE", help="registry ids (see `sites`)")
    p.add_argument("--out", required=True, type=Path, help="corpus directory (created)")
    p.add_argument("--max-articles", type=int, default=0, metavar="N",
                   help="stop after N new articles per site")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="skip articles published before")
    p.add_argument("--base-url", metavar="URL",
                   help="serve the site's rules from another origin (mirror, archive, local "
                        "server); with several sites: ID=URL,ID=URL")
    p.add_argument("--start-url", metavar="URL",
                   help="crawl an unregistered site from this page with the generic extractor "
                        "(its host and subdomains, on its port)")
    p.add_argument("--listing-depth", type=int, default=0, metavar="N",
                   help="listing pages walked per start page, pagination included (default: the "
                        "site's urls.max_listing_pages, 5)")
    p.add_argument("--backfill", action="store_true",
                   help="walk each site's listings to their end (archive backfill): no depth "
                        "limit below 10,000 pages, and pages of known articles do not stop the walk")
    p.add_argument("--max-runtime", metavar="DURATION", default="0",
                   help="stop cleanly after this long (e.g. 3600, 45m, 2h), before the next run is due")
    p.add_argument("--redis", metavar="redis://HOST:PORT/DB",
                   help="be one worker of a crawl shared through this Redis server (queue, "
                        "seen filter, politeness, harvest state); see docs/scaling.md")
    p.add_argument("--no-archive", action="store_true",
                   help="do not keep the raw responses (DIR/_warc/*.warc.gz, read by `rebuild`)")
    p.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                   help="override a Scrapy/vnnews setting (repeatable)")
    talk = p.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const=-1, default=0,
                      help="print nothing but the one-line reason of a failure (for cron)")
    talk.add_argument("-v", "--verbose", dest="verbosity", action="store_const", const=1,
                      help="log warnings and progress to stderr, print the detailed summary")


def parse_duration(text: str) -> int:
    """'90' (seconds), '45m', '2h' -> seconds."""
    units = {"s": 1, "m": 60, "h": 3600}
    number, unit = (text[:-1], text[-1]) if text and text[-1] in units else (text, "s")
    if not number.isdigit():
        raise UserError(f"--max-runtime {text!r}: expected seconds or a number with s, m or h")
    return int(number) * units[unit]


def crawl_request(args, command: str = "crawl"):
    from datetime import date

    from crawler.sites.registry import get_site
    from crawler.harvest.runner import CrawlRequest
    from crawler.spiders.origins import check_start_url, parse_base_urls
    if not args.sites and not args.start_url:
        raise UserError("crawl: name at least one SITE or give --start-url")
    for site_id in args.sites:
        get_site(site_id)
    if args.start_url:
        check_start_url(args.start_url)
    parse_base_urls(args.base_url, list(args.sites) + (["generic"] if args.start_url else []))
    if args.since:
        try:
            date.fromisoformat(args.since)
        except ValueError:
            raise UserError(f"--since {args.since!r} is not YYYY-MM-DD") from None
    if args.max_articles < 0:
        raise UserError("--max-articles must be >= 0")
    if args.listing_depth < 0:
        raise UserError("--listing-depth must be >= 0")
    if args.redis and not args.redis.startswith(("redis://", "rediss://", "unix://")):
        raise UserError(f"--redis {args.redis!r}: expected redis://HOST:PORT/DB")
    return CrawlRequest(out=args.out, sites=list(args.sites), start_url=args.start_url,
                        base_url=args.base_url, since=args.since, max_articles=args.max_articles,
                        max_runtime=parse_duration(args.max_runtime),
                        listing_depth=args.listing_depth, backfill=args.backfill,
                        overrides=archive_override(args) | parse_overrides(args.settings),
                        command=command, verbosity=args.verbosity, redis=args.redis)


def archive_override(args) -> dict:
    return {"ARCHIVE_ENABLED": False} if args.no_archive else {}


def parse_overrides(pairs: list[str]) -> dict:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UserError(f"-s {pair!r}: expected NAME=VALUE")
        check_setting(name, value)
        overrides[name] = value
    return overrides


def check_setting(name: str, value: str) -> None:
    """A number or yes/no setting must be given as one: a typo is a user error now, not a
    crawl that stops with "unknown" after start-up."""
    from scrapy.settings import Settings, default_settings
    from crawler import settings as ours
    default = getattr(ours, name, getattr(default_settings, name, None))
    try:
        if isinstance(default, bool):
            Settings({name: value}).getbool(name)
        elif isinstance(default, (int, float)):
            number = float(value)
            low, high = ours.setting_ranges.get(name, (float("-inf"), float("inf")))
            if not low <= number <= high:
                raise UserError(f"-s {name}={value}: must be between {low} and {high}")
    except ValueError:
        kind = "true or false" if isinstance(default, bool) else "a number"
        raise UserError(f"-s {name}={value}: expected {kind}") from None


def check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise CommandFailed(f"output {out} is not writable: {exc.strerror}") from None


@command("crawl", "crawl sites into the parquet corpus",
         "python -m crawler crawl demo-laocai --out data/ --max-articles 50\n"
         "  python -m crawler crawl --start-url https://example.vn/ --out data/", args=add_crawl_args)
def cmd_crawl(args) -> int:
    return run_and_report(crawl_request(args))


def run_and_report(request) -> int:
    """Run a crawl, print its summary (one line per site and one for the run; -v: detailed;
    -q: none); the exit code comes from the outcome (see README)."""
    from crawler.harvest.distributed import RedisUnavailable
    from crawler.harvest.runner import OutputError, run_crawl
    from crawler.harvest.summary import format_summary
    check_writable(request.out)
    try:
        result = run_crawl(request)
    except OutputError as exc:
        raise CommandFailed(str(exc)) from None
    except RedisUnavailable as exc:
        raise UserError(str(exc)) from None
    if request.verbosity >= 0:
        print(format_summary(result, request.out, detailed=request.verbosity > 0))
    if result.exit_code:
        print(f"vnnews: {result.reason}", file=sys.stderr)
    return result.exit_code


# -- extract -------------------------------------------------------------------------
def add_extract_args(p):
    p.add_argument("file", type=Path, metavar="FILE.html", help="the saved page (- : standard input)")
    p.add_argument("--url", required=True, help="the URL the page was served from")
    p.add_argument("--site", help="registry id (default: found from the URL's domain)")
    p.add_argument("--generic", action="store_true", help="ignore site rules")


@command("extract", "print the corpus row of one saved page as JSON",
         "python -m crawler extract page.html --url https://baolaocai.vn/x-post1.html", args=add_extract_args)
def cmd_extract(args) -> int:
    from crawler.cli.extract import extract_file
    print(json.dumps(extract_file(args.file, args.url, args.site, args.generic),
                     ensure_ascii=False, indent=1))
    return 0


# -- tokenize ------------------------------------------------------------------------
def add_tokenize_args(p):
    p.add_argument("file", nargs="?", type=Path, help="text file (default or -: standard input)")


@command("tokenize", "word-segment text exactly as the corpus `tokens` column",
         "echo 'Huyện ủy Tuy Phong cho biết' | python -m crawler tokenize", args=add_tokenize_args)
def cmd_tokenize(args) -> int:
    from pipelines.normalize import normalize_text
    from pipelines.tokenize import tokenize_text
    try:
        text = (args.file.read_text(encoding="utf-8") if args.file and str(args.file) != "-"
                else sys.stdin.read())
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {args.file}: {exc}") from None
    tokens = tokenize_text(normalize_text(text))
    if tokens:
        print(tokens)
    return 0


# -- demo ----------------------------------------------------------------------------
def add_demo_args(p):
    p.add_argument("--out", type=Path, default=Path("demo-corpus"),
                   help="corpus directory (default: demo-corpus)")


@command("demo", "crawl the bundled fixture web offline and summarise the corpus",
         "python -m crawler demo --out demo-corpus", args=add_demo_args)
def cmd_demo(args) -> int:
    from crawler.demo.run import run_demo
    check_writable(args.out)
    return run_demo(args.out)


def build_parser() -> Parser:
    parser = Parser(prog="vnnews", formatter_class=formatter,
                    description="Harvest Vietnamese news into a clean, word-segmented parquet corpus.",
                    epilog="examples:\n" + "\n".join(f"  {e[2]}" for e in COMMANDS.values()))
    parser.add_argument("--version", action="version", version=f"vnnews {__version__}")
    add_sites_dir(parser, argparse.SUPPRESS)
    subs = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name, (func, help_text, example, add_args) in sorted(COMMANDS.items()):
        sub = subs.add_parser(name, help=help_text, description=help_text,
                              epilog=f"example:\n  {example}", formatter_class=formatter)
        add_args(sub)
        add_sites_dir(sub, argparse.SUPPRESS)
        sub.set_defaults(func=func)
    return parser


def add_sites_dir(parser, default) -> None:
    """--sites DIR, before or after the command."""
    parser.add_argument("--sites", dest="sites_dir", type=Path, metavar="DIR", default=default,
                        help="also read site files (*.toml) from DIR, over the bundled registry "
                             "(same as VNNEWS_SITES=DIR)")


def use_sites_dir(folder: Path | None) -> None:
    """Put the user's site folder in front for this process and the ones it starts."""
    from crawler.sites.registry import USER_SITES_ENV, load_registry
    if folder is None:
        return
    if not folder.is_dir():
        raise UserError(f"--sites {folder}: not a folder")
    rest = os.environ.get(USER_SITES_ENV)
    os.environ[USER_SITES_ENV] = os.pathsep.join(filter(None, (rest, str(folder.resolve()))))
    load_registry()                      # a bad file fails here, in one line

def reader_left() -> int:
    """The reader of our output left (`| head`): say nothing, and keep the exit-time flush
    from failing. Both command lines (vnnews, python -m corpus) end this way."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_PIPE


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        use_sites_dir(getattr(args, "sites_dir", None))
        if not getattr(args, "func", None):
            parser.print_help()
            return EXIT_USAGE
        code = args.func(args)
        sys.stdout.flush()            # a closed pipe shows here, not in the interpreter's exit
        return code
    except (UserError, RegistryError) as exc:
        print(f"vnnews: error: {exc}" if not str(exc).startswith("vnnews") else str(exc),
              file=sys.stderr)
        return getattr(exc, "exit_code", EXIT_USAGE)
    except Locked as exc:
        print(f"vnnews: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except BrokenPipeError:
        return reader_left()
    except KeyboardInterrupt:
        print("vnnews: interrupted", file=sys.stderr)
        return 130


# Commands defined in their own modules register themselves on import.
from crawler.cli import harvest, rebuild, sites  # noqa: E402,F401
