"""English (and multilingual) extraction check (`make eval-english`): our rule-free layer
beside trafilatura on pages from public extraction benchmarks none of our heuristics were
written against.

The pages are NOT in the repository (several of their licences are research-only): give
their folder with --pages DIR or VNNEWS_ENGLISH_PAGES. The folder holds `manifest.tsv`
(columns id, dataset, url, ...), `pages/<id>.html` (raw bytes as stored by the benchmark)
and `gold/<id>.txt` (the benchmark's gold text, one block per line).

What runs on each page:
- ours: the bytes decoded as the crawler decodes them (pipelines.encoding.decode_html), the
  generic layer with no site rules (eval_extraction.run_ours with site None), then the
  cleaning chain without its Vietnamese-only gates (language share; and the 80-word
  minimum unless --min-words says otherwise): what the layer keeps of an English page;
- trafilatura: the same call as eval_extraction.run_trafilatura.
Scoring is eval_extraction's (shingle precision/recall averaged over pages, F1 of the
averages) on what a reader of each output gets: the headline, then the text. Most gold files
start with the headline; our rows keep it in `title` (never in `text`), trafilatura prints it
in its text on some pages and not on others. So for both extractors the title each one
reports is put before its text unless the text already opens with it (`with_headline`).

Sealed half: a page is SEALED when sha256("vnnews-seal:" + id) starts with a hex digit
0-7. Sealed pages are reported only in aggregate (per-page lines need --show-sealed, which
is not for tuning); tune on the TUNED half only.

    .venv/bin/python scripts/eval_english.py --pages DIR [--dataset NAME] [-v]
    .venv/bin/python scripts/eval_english.py --pages DIR --tuned-only   # the tuning loop
    .venv/bin/python scripts/eval_english.py --pages DIR --show ID      # one tuned page

The last line is a contract:
    eval-english sealed_f1=<f> sealed_traf=<f> sealed_p=<f> sealed_traf_p=<f>
                 tuned_f1=<f> tuned_traf=<f> dropped=<n> worse_pages=<n>
(dropped: pages where ours gave no text and trafilatura did; worse_pages: pages where our
F1 is below trafilatura's by more than 0.02; both over all pages.)
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

import eval_extraction as ev  # noqa: E402  (scoring and extractors: one definition)

WORSE_BY = 0.02
SEAL_PREFIX = "vnnews-seal:"
SEALED_DIGITS = "01234567"
_PLACEHOLDER_HOST = "https://page.invalid/"


def pages_dir(override: str | None = None) -> Path | None:
    """--pages, else VNNEWS_ENGLISH_PAGES; None when neither names a folder with manifest.tsv."""
    configured = override or os.environ.get("VNNEWS_ENGLISH_PAGES")
    if not configured:
        return None
    path = Path(configured)
    return path if (path / "manifest.tsv").is_file() else None


def is_sealed(page_id: str) -> bool:
    return hashlib.sha256((SEAL_PREFIX + page_id).encode("utf-8")).hexdigest()[0] in SEALED_DIGITS


@dataclass(frozen=True)
class EnglishPage:
    id: str
    dataset: str
    url: str
    folder: Path

    @property
    def sealed(self) -> bool:
        return is_sealed(self.id)

    @property
    def part(self) -> str:
        return "sealed" if self.sealed else "tuned"

    def raw(self) -> bytes:
        return (self.folder / "pages" / f"{self.id}.html").read_bytes()

    def html(self) -> str:
        """Decoded as the crawler decodes a response body with no declared charset."""
        from pipelines.encoding import UndecodableError, decode_html
        try:
            return decode_html(self.raw())[0]
        except UndecodableError:
            return self.raw().decode("utf-8", "replace")

    def gold(self) -> str:
        return (self.folder / "gold" / f"{self.id}.txt").read_text("utf-8")

    def real_page(self) -> ev.RealPage:
        """What eval_extraction's extractors take. A page whose dataset records no URL gets
        a placeholder on no known site with a date path: a crawled page always has its URL,
        so a missing one must not count as a URL without article shape (which, with many
        headline links, reads as a section page)."""
        url = self.url or f"{_PLACEHOLDER_HOST}2000/01/01/{self.id}"
        return ev.RealPage(self.folder / "pages" / f"{self.id}.html", url, None, site="")


def load_pages(folder: Path) -> list[EnglishPage]:
    with open(folder / "manifest.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [EnglishPage(row["id"], row["dataset"], row.get("url") or "", folder) for row in rows]


# -- extractors -----------------------------------------------------------------------
def run_ours(html: str, page: EnglishPage, min_words: int = 0) -> ev.Result:
    """eval_extraction.run_ours with no site; the cleaning chain without its Vietnamese
    gates (language share, and the word minimum unless min_words is given)."""
    return ev.run_ours(html, page.real_page(), None, min_words=min_words, min_vi_share=0.0)


def run_trafilatura(html: str, page: EnglishPage) -> ev.Result:
    return ev.run_trafilatura(html, page.real_page())


class BothF1:
    """F1 of ours and trafilatura's from the precision and recall fields of a score."""
    ours_p: float
    ours_r: float
    traf_p: float
    traf_r: float

    @property
    def ours_f1(self) -> float:
        return ev.f1(self.ours_p, self.ours_r)

    @property
    def traf_f1(self) -> float:
        return ev.f1(self.traf_p, self.traf_r)


@dataclass
class PageScore(BothF1):
    id: str
    dataset: str
    sealed: bool
    ours_p: float
    ours_r: float
    traf_p: float
    traf_r: float
    ours_error: str | None
    traf_error: str | None

    @property
    def dropped(self) -> bool:
        """Ours gave nothing where trafilatura gave text."""
        return bool(self.ours_error) and not self.traf_error

    @property
    def worse(self) -> bool:
        return self.ours_f1 < self.traf_f1 - WORSE_BY


def texts(page: EnglishPage, min_words: int = 0) -> tuple[ev.Result, ev.Result]:
    html = page.html()
    return run_ours(html, page, min_words), run_trafilatura(html, page)


def with_headline(result: ev.Result) -> str:
    """The result's title, then its text, the headline once: the title is left out when
    the text's first line prints it (or the title holds that line plus a site name)."""
    text = "" if result.error else (result.text or "")
    title = (result.title or "").strip()
    first = ev.norm(text.splitlines()[0]) if text.strip() else ""
    if result.error or not title or (first and first in ev.norm(title)):
        return text
    return f"{title}\n{text}"


def score_page(page: EnglishPage, min_words: int = 0) -> PageScore:
    ours, traf = texts(page, min_words)
    gold = page.gold()
    op, orc = ev.precision_recall(with_headline(ours), gold)
    tp, trc = ev.precision_recall(with_headline(traf), gold)
    return PageScore(page.id, page.dataset, page.sealed, op, orc, tp, trc, ours.error, traf.error)


def _score(args) -> PageScore:
    return score_page(*args)


def score_all(pages: list[EnglishPage], min_words: int, jobs: int) -> list[PageScore]:
    work = [(p, min_words) for p in pages]
    if jobs <= 1:
        return [_score(w) for w in work]
    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(_score, work, chunksize=4))


# -- report ---------------------------------------------------------------------------
@dataclass
class Totals(BothF1):
    n: int
    ours_p: float
    ours_r: float
    traf_p: float
    traf_r: float
    worse: int
    dropped: int


def totals(scores: list[PageScore]) -> Totals:
    n = len(scores)
    if not n:
        nan = float("nan")
        return Totals(0, nan, nan, nan, nan, 0, 0)
    mean = lambda key: sum(getattr(s, key) for s in scores) / n  # noqa: E731
    return Totals(n, mean("ours_p"), mean("ours_r"), mean("traf_p"), mean("traf_r"),
                  sum(s.worse for s in scores), sum(s.dropped for s in scores))


HEADER = (f"{'':<18} {'n':>3}  {'ours P':>6} {'R':>5} {'F1':>5}  {'traf P':>6} {'R':>5} "
          f"{'F1':>5}  {'dF1':>6} {'worse':>5} {'drop':>4}")


def row(label: str, t: Totals) -> str:
    return (f"{label:<18} {t.n:3d}  {t.ours_p:6.3f} {t.ours_r:5.3f} {t.ours_f1:5.3f}  "
            f"{t.traf_p:6.3f} {t.traf_r:5.3f} {t.traf_f1:5.3f}  {t.ours_f1 - t.traf_f1:+6.3f} "
            f"{t.worse:5d} {t.dropped:4d}")


def print_table(title: str, scores: list[PageScore]) -> Totals:
    print(f"\n{title}")
    print(HEADER)
    for dataset in sorted({s.dataset for s in scores}):
        print(row(dataset, totals([s for s in scores if s.dataset == dataset])))
    total = totals(scores)
    print(row("total", total))
    return total


def print_pages(scores: list[PageScore], verbose: bool) -> None:
    """Per-page lines (only the pages given: sealed ones are left out by the caller)."""
    shown = scores if verbose else [s for s in scores if s.worse or s.dropped or s.ours_error]
    if not shown:
        return
    print(f"{'page':<52} {'ours P':>6} {'R':>5} {'F1':>5}  {'traf P':>6} {'R':>5} {'F1':>5} "
          f"{'dF1':>6}")
    for s in sorted(shown, key=lambda s: s.ours_f1 - s.traf_f1):
        mark = " WORSE" if s.worse else ""
        mark += f"  [ours: {s.ours_error}]" if s.ours_error else ""
        mark += f"  [traf: {s.traf_error}]" if s.traf_error else ""
        print(f"{s.id[:52]:<52} {s.ours_p:6.3f} {s.ours_r:5.3f} {s.ours_f1:5.3f}  "
              f"{s.traf_p:6.3f} {s.traf_r:5.3f} {s.traf_f1:5.3f} "
              f"{s.ours_f1 - s.traf_f1:+6.3f}{mark}")


def contract_line(scores: list[PageScore]) -> str:
    sealed = totals([s for s in scores if s.sealed])
    tuned = totals([s for s in scores if not s.sealed])
    return (f"eval-english sealed_f1={sealed.ours_f1:.3f} sealed_traf={sealed.traf_f1:.3f} "
            f"sealed_p={sealed.ours_p:.3f} sealed_traf_p={sealed.traf_p:.3f} "
            f"tuned_f1={tuned.ours_f1:.3f} tuned_traf={tuned.traf_f1:.3f} "
            f"dropped={sum(s.dropped for s in scores)} "
            f"worse_pages={sum(s.worse for s in scores)}")


def show_page(page: EnglishPage, min_words: int) -> None:
    """One page line by line: each line of ours and trafilatura's marked by whether gold
    has it (+), has not (-); then the gold lines neither has."""
    from crawler.pages.html_text import text_key
    ours, traf = texts(page, min_words)
    gold_lines = [line for line in page.gold().splitlines() if line.strip()]
    gold_keys = {text_key(line) for line in gold_lines}
    gold_all = text_key(" ".join(gold_lines))
    s = score_page(page, min_words)
    print(f"{page.id} ({page.dataset}, {page.part}) url={page.url or '-'}")
    print(f"ours P={s.ours_p:.3f} R={s.ours_r:.3f} F1={s.ours_f1:.3f}  "
          f"traf P={s.traf_p:.3f} R={s.traf_r:.3f} F1={s.traf_f1:.3f}")

    def mark(line: str) -> str:
        key = text_key(line)
        return "+" if key in gold_keys else ("~" if key and key in gold_all else "-")

    for name, result in (("ours", ours), ("trafilatura", traf)):
        print(f"\n== {name}" + (f"  [{result.error}]" if result.error else "")
              + (f"  title={result.title!r}" if result.title else ""))
        for line in (result.text or "").splitlines():
            print(f"{mark(line)} {line[:160]}")
    found = text_key((ours.text or "") + " " + (traf.text or ""))
    missing = [line for line in gold_lines if text_key(line) and text_key(line) not in found]
    print("\n== gold lines in neither")
    for line in missing:
        print(f"  {line[:160]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", help="folder with manifest.tsv, pages/, gold/ "
                                        "(default: VNNEWS_ENGLISH_PAGES)")
    parser.add_argument("--dataset", action="append", help="only this dataset (repeatable)")
    parser.add_argument("--min-words", type=int, default=0,
                        help="word minimum of the cleaning chain (crawler: 80; default 0)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--tuned-only", action="store_true",
                        help="run the tuned half only (the tuning loop: sealed figures unseen)")
    parser.add_argument("--show", metavar="ID", help="print one page line by line and stop")
    parser.add_argument("--show-sealed", action="store_true",
                        help="print sealed pages one by one too (not while tuning)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="every tuned page, not only the losses")
    args = parser.parse_args(argv)
    folder = pages_dir(args.pages)
    if folder is None:
        where = args.pages or os.environ.get("VNNEWS_ENGLISH_PAGES")
        print("eval_english: no English page set " + (f"at {where} (no manifest.tsv)" if where else
              "given: pass --pages DIR or set VNNEWS_ENGLISH_PAGES"), file=sys.stderr)
        return 2
    pages = load_pages(folder)
    if args.dataset:
        pages = [p for p in pages if p.dataset in args.dataset]
    if args.show:
        page = next((p for p in pages if p.id == args.show), None)
        if page is None:
            print(f"eval_english: no page {args.show}", file=sys.stderr)
            return 2
        if page.sealed and not args.show_sealed:
            print(f"eval_english: {page.id} is sealed (--show-sealed to look anyway)",
                  file=sys.stderr)
            return 2
        show_page(page, args.min_words)
        return 0
    if args.tuned_only:
        pages = [p for p in pages if not p.sealed]
    scores = score_all(pages, args.min_words, args.jobs)
    tuned = [s for s in scores if not s.sealed]
    sealed = [s for s in scores if s.sealed]
    print_pages(tuned + (sealed if args.show_sealed else []), args.verbose)
    print_table("TUNED (looked at while tuning)", tuned)
    if sealed:
        print_table("SEALED (only measured)", sealed)
        print_table("ALL", scores)
    print(contract_line(scores))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:                  # `... | head`: the reader left, say nothing
        from crawler.cli.main import reader_left
        sys.exit(reader_left())
