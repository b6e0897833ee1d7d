"""`harvest` (scheduled, incremental runs) and `runs` (what past runs did)."""
from __future__ import annotations

import json
from pathlib import Path

from crawler.cli.main import add_crawl_args, command, crawl_request, run_and_report


def add_harvest_args(p):
    add_crawl_args(p)
    p.set_defaults(all_active=True)


@command("harvest", "crawl what is new since the last run and append it (for cron)",
         "python -m crawler harvest --out /srv/corpus --max-runtime 50m", args=add_harvest_args)
def cmd_harvest(args) -> int:
    from crawler.sites.registry import load_registry
    if not args.sites and not args.start_url:
        args.sites = [s.id for s in load_registry().values() if s.status == "active"]
    return run_and_report(crawl_request(args, command="harvest"))


def _status(run: dict, live: str | None) -> str:
    """A "running" manifest whose run holds no lock was killed: it never rewrote it."""
    status = run.get("status", "?")
    return "killed" if status == "running" and run.get("run_id") != live else status


def add_runs_args(p):
    p.add_argument("out", type=Path, metavar="DIR", help="corpus directory")
    p.add_argument("--json", action="store_true",
                   help="print the manifests as one JSON list (status as in the table)")


@command("runs", "list the runs recorded in a corpus directory (DIR/_runs/*.json)",
         "python -m crawler runs /srv/corpus", args=add_runs_args)
def cmd_runs(args) -> int:
    from crawler.cli.main import UserError
    from crawler.harvest.manifest import load_manifests
    from crawler.harvest.runlock import live_run_id
    if not args.out.is_dir():
        raise UserError(f"{args.out} is not a directory")
    live = live_run_id(args.out)
    runs = [{**run, "status": _status(run, live)} for run in load_manifests(args.out)]
    if args.json:
        print(json.dumps(runs, ensure_ascii=False, indent=1))
        return 0
    print(f"{'run':<28} {'command':<8} {'started':<26} {'status':<9} {'exit':>4} {'new':>5}  reason")
    for run in runs:
        print(f"{run.get('run_id', '?'):<28} {run.get('command', '?'):<8} "
              f"{run.get('started_at', '?'):<26} {run['status']:<9} {run.get('exit_code', ''):>4} "
              f"{run.get('articles_new', ''):>5}  {run.get('reason', '')}")
    return 0
