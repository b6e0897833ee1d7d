"""Discovery on sites whose article URLs no shape knows: each tuned listing page is scored
with the URL shapes that recognise its main list switched off, so only what the page itself
shows (the URL templates its headline links share, crawler.pages.urls.learned_templates) can
find the list. Tuned pages only (shared real pages and tests/webpages/tuned): the sealed part
is `make eval`'s alone.

    .venv/bin/python scripts/eval_unknown_shapes.py [-v]

Last line: `unknown-shapes pages=<n> recall_mean=<r> recall_min=<r> below_095=<n>
non_article=<share>` over the pages whose main list a known shape recognised.
"""
from __future__ import annotations

import argparse
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_extraction as ev  # noqa: E402
from crawler.pages import urls  # noqa: E402

_NEVER = re.compile(r"(?!x)x")


def shapes_of(page) -> set[int]:
    """Indexes of the known shapes (and the query-id rule, -1) that recognise most of the
    page's main list."""
    used: set[int] = set()
    for url in page.gold:
        parts = urlsplit(url)
        used |= {i for i, p in enumerate(urls._ARTICLE_SHAPES) if p.search(parts.path)}
        if urls.query_id(parts.query):
            used.add(-1)
    return used


@contextmanager
def without_shapes(indexes: set[int]):
    """The shapes switched off (kept in place: other rules index the list)."""
    saved, query_id = list(urls._ARTICLE_SHAPES), urls.query_id
    try:
        for i in indexes - {-1}:
            urls._ARTICLE_SHAPES[i] = _NEVER
        if -1 in indexes:
            urls.query_id = lambda query: False
        yield
    finally:
        urls._ARTICLE_SHAPES[:] = saved
        urls.query_id = query_id


def tuned_listings() -> list:
    shared, dev = ev.real_pages_dir(), ev.dev_pages_dir()
    pages = ev.listing_pages(shared) if shared else []
    pages += [p for p in (ev.dev_pages(dev) if dev else []) if p.kind == "listing"]
    return [p for p in pages if p.tuned]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="show missed and extra links")
    args = parser.parse_args(argv)
    rows = []
    print(f"{'listing page':34} {'shapes off':>10} {'found':>6} {'gold':>5} {'recall':>6} {'non-art':>7}")
    for page in tuned_listings():
        off = shapes_of(page)
        with without_shapes(off):
            score = ev.score_listing(page)
        rows.append((page, score))
        print(f"{page.name:34} {','.join(map(str, sorted(off))):>10} {score.found:6d} "
              f"{score.gold:5d} {score.recall:6.3f} {score.non_article if score.non_article is not None else '-':>7}")
        if args.verbose and (score.missing or score.extra):
            print(f"{'':36}missing={score.missing[:5]} extra={score.extra[:5]}")
    recalls = [s.recall for _, s in rows]
    complete = [s for _, s in rows if s.non_article is not None]
    share = sum(s.non_article for s in complete) / max(1, sum(s.found for s in complete))
    print(f"unknown-shapes pages={len(rows)} recall_mean={sum(recalls) / len(recalls):.3f} "
          f"recall_min={min(recalls):.3f} below_095={sum(r < 0.95 for r in recalls)} "
          f"non_article={share:.3f}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:                  # `... | head`: the reader left, say nothing
        from crawler.cli.main import reader_left
        sys.exit(reader_left())
