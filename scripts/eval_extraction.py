"""Extraction quality on the real pages (`make eval`): ours with site rules, ours generic,
and plain trafilatura, on the same pages in the same run.

Article pages are scored against their hand-written gold (`gold/<page>.gold.json`):
- token F1, the article-extraction-benchmark metric of SOURCE.md: tokens are \\w+ runs,
  multisets of 4-token shingles per page, precision and recall averaged over pages, F1 of
  the averages; our `text` after the cleaning chain vs gold lead + paragraphs;
- leaks: gold `without` strings (navigation, related links, footers) found in the text;
- caption copies: gold captions found in the text;
- title / author / date / category / captions / tags match rates (date: `published_raw`
  equals gold `published` as printed and `published_at` is that time; trafilatura only
  gives a day, so its date is compared by day).
Listing pages: `crawler.spiders.discovery.listing_links` vs `gold/<page>.links.json`.

The pages are read where they are (VNNEWS_REAL_PAGES, default ../shared/real-pages beside
the repository); nothing derived from them is stored in the project.

    .venv/bin/python scripts/eval_extraction.py [--pages DIR] [--repeat N]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.spiders.discovery import listing_links  # noqa: E402
from crawler.pages import NoArticle, extract_article  # noqa: E402
from crawler.pages.dates import parse_any, parse_printed  # noqa: E402
from crawler.sites.registry import Site, site_for_url  # noqa: E402

EXTRACTORS = ("rules", "generic", "trafilatura")
_TOKEN = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


# -- where the pages are --------------------------------------------------------------
def real_pages_dir(override: str | None = None) -> Path | None:
    """VNNEWS_REAL_PAGES, else ../shared/real-pages beside the repo; None when absent."""
    configured = override or os.environ.get("VNNEWS_REAL_PAGES")
    path = Path(configured) if configured else ROOT.parent / "shared" / "real-pages"
    return path if (path / "MANIFEST.tsv").is_file() else None


@dataclass(frozen=True)
class RealPage:
    file: Path
    url: str
    gold: dict | list                     # article gold (dict) or listing links (list)
    allowed: tuple[str, ...] = ()         # listing: secondary-list links, neither found nor missed

    @property
    def name(self) -> str:
        return self.file.stem

    def html(self) -> str:
        from pipelines.encoding import decode_html
        return decode_html(self.file.read_bytes())[0]


def manifest(folder: Path) -> dict[str, str]:
    lines = (folder / "MANIFEST.tsv").read_text("utf-8").splitlines()[1:]
    rows = (line.split("\t") for line in lines)
    return {row[0]: row[1] for row in rows if len(row) >= 2}


def article_pages(folder: Path) -> list[RealPage]:
    return [RealPage(folder / file, url, _json(folder / "gold" / f"{Path(file).stem}.gold.json"))
            for file, url in manifest(folder).items()
            if (folder / "gold" / f"{Path(file).stem}.gold.json").is_file()]


def listing_pages(folder: Path) -> list[RealPage]:
    pages = []
    for file, url in manifest(folder).items():
        gold = folder / "gold" / f"{Path(file).stem}.links.json"
        secondary = gold.with_name(f"{Path(file).stem}.links_secondary.json")
        if gold.is_file():
            allowed = tuple(_json(secondary)) if secondary.is_file() else ()
            pages.append(RealPage(folder / file, url, _json(gold), allowed))
    return pages


def _json(path: Path):
    return json.loads(path.read_text("utf-8"))


def site_of(page: RealPage) -> Site:
    """The registered site of the page's URL, else a rule-less site for its host."""
    from urllib.parse import urlsplit
    host = urlsplit(page.url).hostname or ""
    return site_for_url(page.url) or Site(id="generic", name=host, domains=(host,))


# -- the metric -----------------------------------------------------------------------
def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(unicodedata.normalize("NFC", text or ""))
    return Counter(tuple(tokens[i:i + n]) for i in range(max(len(tokens) - n + 1, 0)))


def precision_recall(text: str, gold_text: str) -> tuple[float, float]:
    ours, gold = shingles(text), shingles(gold_text)
    common = sum((ours & gold).values())
    precision = common / sum(ours.values()) if ours else (1.0 if not gold else 0.0)
    recall = common / sum(gold.values()) if gold else 1.0
    return precision, recall


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def gold_text(gold: dict) -> str:
    return "\n".join(([gold["lead"]] if gold.get("lead") else []) + gold["paragraphs"])


def norm(text: str | None) -> str:
    """Comparison form of a short string: NFC, spacing collapsed, case folded."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip().casefold()


def found_in(needles, text: str, gold_body: str) -> list[str]:
    """Needles present in text; a needle the gold body itself contains cannot be judged."""
    hay, gold_hay = norm(text), norm(gold_body)
    return [n for n in needles if norm(n) and norm(n) in hay and norm(n) not in gold_hay]


# -- extractors -----------------------------------------------------------------------
@dataclass
class Result:
    text: str = ""
    title: str | None = None
    author: str | None = None
    published_raw: str | None = None
    published_at: object = None
    category: str | None = None
    captions: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None


def clean(article) -> str | None:
    """Run our cleaning chain in place (its tokenisation is not timed: extraction is timed
    on its own); returns the drop reason, if any."""
    from crawler.sites.registry import boilerplate_phrases
    from pipelines.chain import clean_and_tokenize
    from pipelines.drops import ArticleDrop
    try:
        clean_and_tokenize(article, boilerplate_phrases(article.site))
    except ArticleDrop as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def run_ours(html: str, page: RealPage, site: Site, use_rules: bool, repeat: int = 1) -> Result:
    try:
        start = time.perf_counter()
        for _ in range(repeat):
            article = extract_article(html, page.url, site, use_rules=use_rules)
        seconds = (time.perf_counter() - start) / repeat
    except NoArticle as exc:
        return Result(error=str(exc))
    article.site = site.id
    error = clean(article)
    return Result(article.text, article.title, article.author, article.published_raw,
                  article.published_at, article.category, article.captions, article.tags,
                  seconds, error)


def run_trafilatura(html: str, page: RealPage, repeat: int = 1) -> Result:
    import trafilatura
    start = time.perf_counter()
    for _ in range(repeat):
        out = trafilatura.extract(html, url=page.url, output_format="json", with_metadata=True)
    seconds = (time.perf_counter() - start) / repeat
    doc = json.loads(out) if out else {}
    tags = [t.strip() for t in (doc.get("tags") or "").split(",") if t.strip()]
    return Result(doc.get("text") or "", doc.get("title"), doc.get("author"), doc.get("date"),
                  parse_any(doc["date"]) if doc.get("date") else None,
                  doc.get("categories") or None, tags=tags, seconds=seconds)


def extract(page: RealPage, name: str, repeat: int = 1, html: str | None = None) -> Result:
    """One extractor (see EXTRACTORS) on one page; `repeat` runs are timed."""
    html = page.html() if html is None else html
    if name == "trafilatura":
        return run_trafilatura(html, page, repeat)
    return run_ours(html, page, site_of(page), name == "rules", repeat)


# -- scoring --------------------------------------------------------------------------
FIELDS = ("title", "author", "date", "category", "captions", "tags")
FIELD_LABELS = ("title", "author", "date", "categ", "capts", "tags")


@dataclass
class Score:
    precision: float
    recall: float
    leaks: list                  # gold `without` strings found in the text
    caption_copies: list         # gold captions found in the text
    fields: dict                 # FIELDS -> matches gold
    seconds: float
    error: str | None

    @property
    def f1(self) -> float:
        return f1(self.precision, self.recall)


def same_date(result: Result, printed: str | None, by_day: bool) -> bool:
    """The printed string equals gold and the time is the one printed (to the minute);
    by_day (trafilatura, which gives days only): the same calendar day."""
    if not printed:
        return result.published_raw is None
    when, ours = parse_printed(printed), result.published_at
    if not (when and ours):
        return False
    if by_day:
        return ours.date() == when.date()
    return norm(result.published_raw) == norm(printed) and ours.replace(second=0) == when


def same_list(ours: list, gold: list | None) -> bool:
    return [norm(x) for x in ours] == [norm(x) for x in gold or []]


def score(result: Result, gold: dict, by_day: bool = False) -> Score:
    body = gold_text(gold)
    precision, recall = precision_recall(result.text, body)
    fields = {"title": norm(result.title) == norm(gold.get("title")),
              "author": norm(result.author) == norm(gold.get("author")),
              "date": same_date(result, gold.get("published"), by_day),
              "category": norm(result.category) == norm(gold.get("category")),
              "captions": same_list(result.captions, gold.get("captions")),
              "tags": same_list(result.tags, gold.get("tags"))}
    return Score(precision, recall, found_in(gold.get("without", ()), result.text, body),
                 found_in(gold.get("captions", ()), result.text, body), fields,
                 result.seconds, result.error)


def score_page(page: RealPage, repeat: int = 1, names=EXTRACTORS) -> dict[str, Score]:
    html = page.html()
    return {name: score(extract(page, name, repeat, html), page.gold,
                        by_day=(name == "trafilatura")) for name in names}


@dataclass
class LinkScore:
    found: int
    gold: int
    recall: float
    precision: float
    missing: list
    extra: list


def _link_key(url: str) -> str:
    """http/https and www. are the same page."""
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


def score_listing(page: RealPage) -> LinkScore:
    site = site_of(page)
    found, _ = listing_links(page.html(), page.url, site, site.owns)
    keys, gold = [_link_key(u) for u in found], [_link_key(u) for u in page.gold]
    allowed = set(gold) | {_link_key(u) for u in page.allowed}
    hits = len(set(keys) & set(gold))
    return LinkScore(len(found), len(gold), hits / len(gold) if gold else 1.0,
                     sum(k in allowed for k in keys) / len(keys) if keys else 0.0,
                     [u for u in page.gold if _link_key(u) not in set(keys)],
                     [u for u, k in zip(found, keys) if k not in allowed])


# -- report ---------------------------------------------------------------------------
def summary(scores: list[Score]) -> dict:
    n = len(scores)
    precision = sum(s.precision for s in scores) / n
    recall = sum(s.recall for s in scores) / n
    return {"precision": precision, "recall": recall, "f1": f1(precision, recall),
            "min_f1": min(s.f1 for s in scores),
            "leaks": sum(len(s.leaks) for s in scores),
            "caption_copies": sum(len(s.caption_copies) for s in scores),
            **{k: sum(s.fields[k] for s in scores) / n for k in FIELDS},
            "seconds": sum(s.seconds for s in scores) / n}


FLAG_NAMES = "T=title A=author D=date C=category K=captions G=tags"


def print_pages(per_page: dict[str, dict[str, Score]], verbose: bool) -> None:
    print(f"{'page':<26} {'extractor':<11} {'P':>5} {'R':>5} {'F1':>5} {'leak':>4} "
          f"{'capt':>4}  T A D C K G {'ms':>6}")
    for page, scores in per_page.items():
        for name, s in scores.items():
            flags = " ".join("y" if s.fields[k] else "-" for k in FIELDS)
            print(f"{page:<26} {name:<11} {s.precision:5.3f} {s.recall:5.3f} {s.f1:5.3f} "
                  f"{len(s.leaks):>4} {len(s.caption_copies):>4}  {flags} "
                  f"{s.seconds * 1000:6.1f}" + (f"  [{s.error}]" if s.error else ""))
            if verbose and (s.leaks or s.caption_copies):
                print(f"{'':<26}   leaks={s.leaks} caption copies={s.caption_copies}")
    print(f"({FLAG_NAMES}: y = matches gold)")


def print_totals(per_page: dict[str, dict[str, Score]]) -> None:
    totals = {name: summary([scores[name] for scores in per_page.values()]) for name in EXTRACTORS}
    print(f"\n{'extractor':<11} {'P':>5} {'R':>5} {'F1':>5} {'minF1':>5} {'leaks':>5} {'capt':>4} "
          + " ".join(f"{k:>6}" for k in FIELD_LABELS) + f" {'ms/page':>7}")
    for name, t in totals.items():
        print(f"{name:<11} {t['precision']:5.3f} {t['recall']:5.3f} {t['f1']:5.3f} "
              f"{t['min_f1']:5.3f} {t['leaks']:5d} {t['caption_copies']:4d} "
              + " ".join(f"{t[k]:6.0%}" for k in FIELDS) + f" {t['seconds'] * 1000:7.1f}")
    base = totals["trafilatura"]["seconds"]
    ratio = {name: totals[name]["seconds"] / base for name in ("rules", "generic")}
    print(f"\ntime per page, ours / trafilatura.extract: with rules {ratio['rules']:.2f}, "
          f"generic {ratio['generic']:.2f} (extraction only; trafilatura's dates are days, "
          "compared by day)")


def print_listings(listings: dict[str, LinkScore], verbose: bool) -> None:
    print(f"\n{'listing page':<26} {'found':>5} {'gold':>5} {'recall':>6} {'precision':>9}")
    for page, s in listings.items():
        print(f"{page:<26} {s.found:5d} {s.gold:5d} {s.recall:6.3f} {s.precision:9.3f}")
        if verbose and (s.missing or s.extra):
            print(f"{'':<26}   missing={s.missing}\n{'':<26}   extra={s.extra}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", help="real-pages folder (default: VNNEWS_REAL_PAGES or "
                                        "../shared/real-pages)")
    parser.add_argument("--repeat", type=int, default=3, help="extractions per page timed")
    parser.add_argument("-v", "--verbose", action="store_true", help="show leaks and links")
    args = parser.parse_args(argv)
    folder = real_pages_dir(args.pages)
    if folder is None:
        print("eval_extraction: no real-pages folder (set VNNEWS_REAL_PAGES)", file=sys.stderr)
        return 1
    pages = article_pages(folder)
    score_page(pages[0])                     # warm up: imports and caches are not timed
    per_page = {p.name: score_page(p, args.repeat) for p in pages}
    print(f"{len(pages)} article pages in {folder}; cleaning chain: pipelines.chain.clean_and_tokenize\n")
    print_pages(per_page, args.verbose)
    print_totals(per_page)
    print_listings({p.name: score_listing(p) for p in listing_pages(folder)}, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
