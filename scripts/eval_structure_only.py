"""The rule-free layer on pages whose class and id names say nothing: every tuned article
page scored as is and with each class and id token replaced by a meaningless one (the same
token for the same name, so "built alike" survives), beside trafilatura on the same
scrambled page. Names are what heuristics lean on without saying so; a site nobody has seen
names its blocks in words no list holds. Tuned pages only: the sealed part is `make eval`'s.

    .venv/bin/python scripts/eval_structure_only.py [--show NAME]

Last line: `structure-only pages=<n> f1=<as served> scrambled_f1=<f> scrambled_traf=<f>
scrambled_min=<f> scrambled_when=<share> scrambled_category=<share> listings=<n>
scrambled_links_recall_mean=<r> scrambled_links_recall_min=<r>`: the share of scrambled pages
whose `published_at` (to the minute) and category match gold, and the main-list recall of every
tuned listing page scrambled alike.
"""
from __future__ import annotations

import argparse
import hashlib
import re
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_extraction as ev  # noqa: E402

_NAMED = re.compile(r"\b(class|id)\s*=\s*([\"'])(.*?)\2", re.I | re.S)


def scramble(html: str) -> str:
    """Each class or id token replaced by a hash of it."""
    def renamed(match) -> str:
        tokens = " ".join("n" + hashlib.md5(t.encode()).hexdigest()[:6] for t in match[3].split())
        return f"{match[1]}={match[2]}{tokens}{match[2]}"
    return _NAMED.sub(renamed, html)


def tuned_articles() -> list:
    pages = ev.all_pages(ev.real_pages_dir(), ev.dev_pages_dir())
    return [p for p in pages if p.kind == "article" and p.tuned and isinstance(p.gold, dict)]


def show(page) -> None:
    """Lines our text adds to or loses from the gold, on the scrambled page."""
    result = ev.extract(page, "generic", html=scramble(page.html()))
    key = lambda line: " ".join(ev.norm(line).split())  # noqa: E731
    gold, ours = ev.gold_text(page.gold).splitlines(), result.text.splitlines()
    gold_keys, our_keys = {key(line) for line in gold}, {key(line) for line in ours}
    print(f"error: {result.error}")
    print("\n".join(f"+ {line}" for line in ours if key(line) not in gold_keys))
    print("\n".join(f"- {line}" for line in gold if key(line) not in our_keys))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", metavar="NAME", help="one tuned page's differences, scrambled")
    args = parser.parse_args(argv)
    pages = tuned_articles()
    if args.show:
        page = next((p for p in pages if p.name == args.show), None)
        if page is None:
            print(f"eval_structure_only: no tuned article page {args.show!r} (names: "
                  f"{', '.join(p.name for p in pages[:5])}, ...)", file=sys.stderr)
            return 2
        show(page)
        return 0
    rows, fields = [], []
    print(f"{'page':32} {'as served':>9} {'scrambled':>9} {'traf scr.':>9}")
    for page in pages:
        html = page.html()
        scrambled = scramble(html)
        served = ev.score(ev.extract(page, "generic", html=html), page.gold).f1
        ours = ev.score(ev.extract(page, "generic", html=scrambled), page.gold)
        traf = ev.score(ev.extract(page, "trafilatura", html=scrambled), page.gold).f1
        rows.append((served, ours.f1, traf))
        fields.append((ours.fields["when"], ours.fields["category"]))
        print(f"{page.name:32} {served:9.3f} {ours.f1:9.3f} {traf:9.3f}")
    mean = [sum(column) / len(rows) for column in zip(*rows)]
    when, category = (sum(column) / len(fields) for column in zip(*fields))
    recalls = scrambled_listing_recalls()
    print(f"structure-only pages={len(rows)} f1={mean[0]:.3f} scrambled_f1={mean[1]:.3f} "
          f"scrambled_traf={mean[2]:.3f} scrambled_min={min(r[1] for r in rows):.3f} "
          f"scrambled_when={when:.2f} scrambled_category={category:.2f} "
          f"listings={len(recalls)} scrambled_links_recall_mean="
          f"{sum(recalls) / max(len(recalls), 1):.3f} "
          f"scrambled_links_recall_min={min(recalls, default=float('nan')):.3f}")
    return 0


def scrambled_listing_recalls() -> list[float]:
    """Main-list recall of each tuned listing page, scrambled."""
    pages = ev.all_pages(ev.real_pages_dir(), ev.dev_pages_dir())
    recalls = []
    with tempfile.TemporaryDirectory() as folder:
        for page in (p for p in pages if p.kind == "listing" and p.tuned):
            copy = Path(folder) / page.file.name
            copy.write_text(scramble(page.html()), "utf-8")
            recalls.append(ev.score_listing(replace(page, file=copy)).recall)
    return recalls


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:                  # `... | head`: the reader left, say nothing
        from crawler.cli.main import reader_left
        sys.exit(reader_left())
