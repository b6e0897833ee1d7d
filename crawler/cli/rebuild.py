"""`rebuild`: a new corpus from archived raw pages (WARC files), with no network."""
from __future__ import annotations

import os
from pathlib import Path

from crawler.cli.main import UserError, command


def add_rebuild_args(p):
    p.add_argument("--warc", nargs="+", required=True, type=Path, metavar="PATH",
                   help="WARC files (.warc, .warc.gz) or folders of them, e.g. OLD/_warc")
    p.add_argument("--out", required=True, type=Path, metavar="NEWDIR",
                   help="directory of the new corpus (must not hold a corpus yet)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="worker processes on this machine (default: one per core)")
    p.add_argument("--cluster", metavar="ADDRESS",
                   help="run the work on a Dask cluster instead, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--base-url", metavar="ID=URL[,ID=URL]",
                   help="in WARCs written by other tools: pages of URL stand for site ID "
                        "(a mirror or a local copy of a registered site)")


@command("rebuild", "rebuild a corpus from archived raw pages (WARC), re-running decoding, "
         "extraction and every cleaning step, with no network",
         "python -m crawler rebuild --warc data/corpus/_warc --out data/corpus-v2 --workers 4",
         args=add_rebuild_args)
def cmd_rebuild(args) -> int:
    from crawler.harvest.rebuild import RebuildRequest, rebuild
    from crawler.sites.registry import RegistryError
    check(args)
    request = RebuildRequest(warcs=args.warc, out=args.out, workers=args.workers,
                             cluster=args.cluster, base_url=args.base_url)
    try:
        result = rebuild(request)
    except (RegistryError, OSError) as exc:
        raise UserError(f"rebuild: {exc}") from None
    print(summary(result, args.out))
    if not result.articles:
        raise UserError("rebuild: no article found in the WARC files")
    return 0


def check(args) -> None:
    from crawler.harvest.archive import warc_paths
    missing = [str(p) for p in args.warc if not p.exists()]
    if missing:
        raise UserError(f"rebuild: no such file or folder: {', '.join(missing)}")
    if not warc_paths(args.warc):
        raise UserError("rebuild: no WARC file (.warc, .warc.gz) in " + " ".join(map(str, args.warc)))
    if args.out.exists() and any(args.out.iterdir()):
        raise UserError(f"rebuild: {args.out} is not empty: give a new directory")
    if args.workers < 1:
        raise UserError("--workers must be >= 1")


def summary(result, out: Path) -> str:
    lines = [f"rebuild {result.run_id}: {result.records} records read, "
             f"{result.articles} articles written to {out}"]
    if result.outcomes:
        lines.append("not kept: " + ", ".join(f"{k} {v}" for k, v in sorted(result.outcomes.items())))
    if result.boilerplate.get("lines"):
        lines.append(f"site boilerplate: {result.boilerplate['lines']} repeated lines learned")
    if result.neardup:
        lines.append(f"near-duplicates: {result.neardup['duplicates']} rows in "
                     f"{result.neardup['clusters']} clusters")
    return "\n".join(lines)
