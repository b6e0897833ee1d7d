"""`sites`: the site registry on the command line."""
from __future__ import annotations

import json

from crawler.cli import command


def add_sites_args(p):
    p.add_argument("--json", action="store_true", help="print a JSON list of site objects")


@command("sites", "list the registered sites", "python -m crawler sites --json", args=add_sites_args)
def cmd_sites(args) -> int:
    from crawler.registry import load_registry
    sites = load_registry().values()
    if args.json:
        print(json.dumps([s.to_json() for s in sites], ensure_ascii=False, indent=1))
        return 0
    for s in sites:
        print(f"{s.id:<22} {s.status:<8} {s.province or '-':<14} {s.domains[0]:<32} {s.name}")
    return 0
