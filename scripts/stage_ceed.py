"""Stage the CEED pages of dzungcamlang/content-extraction as an `make eval-english` folder.

CEED (200 English pages of many kinds: news, forums, shops, listings; `CEED/HTML/<n>.html`
with its main text in `CEED/Content/<n>.txt`) is a content-extraction set nobody tuning this
project had looked at before 2026-12-07. Its pages stay outside the repository (no licence
is stated): this script copies them from a clone or a bare mirror into the layout
scripts/eval_english.py reads (`manifest.tsv`, `pages/ceed-<n>.html`, `gold/ceed-<n>.txt`).
The ids fix the sealed half (sha256 of the id, as for every English set).

    python scripts/stage_ceed.py --repo PATH/TO/content-extraction[.git] --out /tmp/ceed
    make eval-english EVAL_ENGLISH_PAGES=/tmp/ceed
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

SOURCE = "dzungcamlang/content-extraction"
COMMIT = "badb67011f92709219ec39f5c55502e61cf30b8e"


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(repo), *args], check=True,
                          capture_output=True).stdout


def git_dir(path: Path) -> Path:
    """A clone's .git folder, or the path itself for a bare mirror."""
    return path / ".git" if (path / ".git").exists() else path


def stage(repo: Path, out: Path, commit: str = COMMIT) -> int:
    names = git(repo, "ls-tree", "-r", "--name-only", commit, "CEED/HTML").decode().split()
    (out / "pages").mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(parents=True, exist_ok=True)
    rows = ["id\tdataset\turl\trepo\tpath\tcommit\tlicence\tnote"]
    for path in names:
        number = Path(path).stem
        try:
            gold = git(repo, "show", f"{commit}:CEED/Content/{number}.txt")
        except subprocess.CalledProcessError:
            continue                      # a page without gold is not scored
        page_id = f"ceed-{number}"
        (out / "pages" / f"{page_id}.html").write_bytes(git(repo, "show", f"{commit}:{path}"))
        (out / "gold" / f"{page_id}.txt").write_bytes(gold)
        rows.append(f"{page_id}\tceed\t\t{SOURCE}\t{path}\t{commit}\tnone stated\t")
    (out / "manifest.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows) - 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", required=True, type=Path,
                        help=f"a clone or bare mirror of {SOURCE}")
    parser.add_argument("--out", required=True, type=Path, help="folder to write")
    parser.add_argument("--commit", default=COMMIT)
    args = parser.parse_args(argv)
    try:
        count = stage(git_dir(args.repo), args.out, args.commit)
    except subprocess.CalledProcessError as exc:
        print(f"stage_ceed: git failed on {args.repo}: {exc.stderr.decode().strip()}",
              file=sys.stderr)
        return 2
    print(f"staged {count} pages into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
