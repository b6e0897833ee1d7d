"""Our rule-free extraction layer beside trafilatura on public English and multilingual
main-content benchmarks (`make eval-english`): the wrapper may not do worse than the library
it wraps, on pages neither was written against.

The pages are not in this repository (some datasets are licensed for research use only):
give the folder with --pages DIR or VNNEWS_ENGLISH_PAGES. Its layout: manifest.tsv (id,
dataset, url, repo, path, commit, licence, note), pages/<id>.html as stored by the source,
gold/<id>.txt the dataset's own gold text. Scoring is scripts/eval_extraction.py's (token
4-gram shingles); the text compared is the article text as extracted, before our text
pipelines (the Vietnamese quality gate would drop every English page; that is not what is
measured here).

Half the pages are sealed (sha256("vnnews-seal:" + id) starting 0-7): only measured in
aggregate, never printed one by one unless --show-sealed.

    .venv/bin/python scripts/eval_english.py --pages ../english-pages [-v]
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import os
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_extraction import f1, precision_recall  # noqa: E402

WORSE_BY = 0.02          # a page where we trail trafilatura by more than this is counted
# Pages whose dataset kept no URL get one with an article's shape: a URL says nothing here,
# and our listing check would otherwise read "no article shape" as a section page.
PLACEHOLDER_URL = "https://example.org/2020/01/01/article-page.html"


@dataclass
class PageScore:
    id: str
    dataset: str
    sealed: bool
    ours: tuple[float, float] | None           # (precision, recall); None: no article
    traf: tuple[float, float] | None


def sealed(page_id: str) -> bool:
    return hashlib.sha256(("vnnews-seal:" + page_id).encode()).hexdigest()[0] in "01234567"


def load_pages(folder: Path) -> list[dict]:
    with open(folder / "manifest.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def ours(body: bytes, url: str) -> str | None:
    from crawler.pages import NoArticle, extract_article
    from pipelines.encoding import UndecodableError, decode_html
    try:
        article = extract_article(decode_html(body)[0], url)
    except (NoArticle, UndecodableError):
        return None
    return article.text or None


def trafilatura_text(body: bytes, url: str) -> str | None:
    import trafilatura
    from pipelines.encoding import decode_html
    try:
        html = decode_html(body)[0]
    except Exception:       # noqa: BLE001 - give trafilatura the bytes, as a user would
        html = body
    return trafilatura.extract(html, url=url or None) or None


def score_page(folder: Path, row: dict) -> PageScore:
    body = (folder / "pages" / f"{row['id']}.html").read_bytes()
    gold = (folder / "gold" / f"{row['id']}.txt").read_text("utf-8")
    url = row.get("url") or "https://example.org/article.html"
    texts = ours(body, url), trafilatura_text(body, url)
    scores = [precision_recall(t, gold) if t else None for t in texts]
    return PageScore(row["id"], row["dataset"], sealed(row["id"]), *scores)


def total(scores: list[PageScore], which: str) -> tuple[float, float, float]:
    """Mean precision, recall over pages (a dropped page scores 0, 0) and the F1 of those."""
    pairs = [getattr(s, which) or (0.0, 0.0) for s in scores]
    if not pairs:
        return float("nan"), float("nan"), float("nan")
    p = sum(x for x, _ in pairs) / len(pairs)
    r = sum(y for _, y in pairs) / len(pairs)
    return p, r, f1(p, r)


def page_f1(pair) -> float:
    return f1(*pair) if pair else 0.0


def report(scores: list[PageScore], show_sealed: bool, verbose: bool) -> dict:
    if verbose:
        print(f"{'page':<58} {'ours':>6} {'traf':>6}")
        for s in scores:
            if not s.sealed or show_sealed:
                print(f"{s.id[:58]:<58} {page_f1(s.ours):>6.3f} {page_f1(s.traf):>6.3f}")
    print(f"\n{'part / dataset':<22} {'pages':>5}  {'ours P':>6} {'R':>6} {'F1':>6}   "
          f"{'traf P':>6} {'R':>6} {'F1':>6}  worse  dropped")
    figures = {}
    for part, members in (("tuned", [s for s in scores if not s.sealed]),
                          ("sealed", [s for s in scores if s.sealed])):
        by_dataset = defaultdict(list)
        for s in members:
            by_dataset[s.dataset].append(s)
        for name, group in [(part, members), *sorted(by_dataset.items())]:
            o, t = total(group, "ours"), total(group, "traf")
            worse = sum(page_f1(s.ours) < page_f1(s.traf) - WORSE_BY for s in group)
            dropped = sum(s.ours is None and s.traf is not None for s in group)
            label = name if name == part else f"  {name}"
            print(f"{label:<22} {len(group):>5}  {o[0]:>6.3f} {o[1]:>6.3f} {o[2]:>6.3f}   "
                  f"{t[0]:>6.3f} {t[1]:>6.3f} {t[2]:>6.3f}  {worse:>5}  {dropped:>7}")
            if name == part:
                figures[part] = (o, t, worse, dropped)
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=os.environ.get("VNNEWS_ENGLISH_PAGES"),
                        help="the benchmark folder (default: VNNEWS_ENGLISH_PAGES)")
    parser.add_argument("--show-sealed", action="store_true", help="print sealed pages too")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per page")
    args = parser.parse_args(argv)
    if not args.pages or not (Path(args.pages) / "manifest.tsv").is_file():
        print("eval-english: error: give --pages DIR (or VNNEWS_ENGLISH_PAGES) holding "
              "manifest.tsv, pages/ and gold/", file=sys.stderr)
        return 1
    folder = Path(args.pages)
    scores = [score_page(folder, row) for row in load_pages(folder)]
    figures = report(scores, args.show_sealed, args.verbose)
    so, st, s_worse, s_drop = figures["sealed"]
    to, tt, t_worse, t_drop = figures["tuned"]
    print(f"eval-english sealed_f1={so[2]:.3f} sealed_traf={st[2]:.3f} sealed_p={so[0]:.3f} "
          f"sealed_traf_p={st[0]:.3f} tuned_f1={to[2]:.3f} tuned_traf={tt[2]:.3f} "
          f"dropped={s_drop + t_drop} worse_pages={s_worse + t_worse}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
