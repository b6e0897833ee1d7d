"""Run `python -m crawler ...` under cProfile with a CPU-time clock, writing the stats to a file.

    python benchmarks/profile_cli.py OUT.prof crawl --start-url URL --out DIR

The real CLI, unchanged: the module is run exactly as `python -m crawler` runs it. The clock is
time.process_time, so the reactor's idle waits (select) cost nothing and each function's
cumulative time is CPU of this process (tokenizer workers are other processes: not here).
"""
from __future__ import annotations

import cProfile
import runpy
import sys
import time


def main() -> int:
    if len(sys.argv) < 3 or sys.argv[1].startswith("-"):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)   # the usage line
        return 2                      # (not a stats file named "--help" in the work tree)
    out, sys.argv = sys.argv[1], ["crawler", *sys.argv[2:]]
    profile = cProfile.Profile(time.process_time)
    code = 0
    try:
        profile.runcall(runpy.run_module, "crawler", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        profile.dump_stats(out)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
