"""Extraction quality on real pages (`make eval`): our rule-free layer beside trafilatura.

Two page sets, each real pages as served with hand-written gold:
- `../shared/real-pages` (VNNEWS_REAL_PAGES): the national papers and Báo Lào Cai the site
  rules and the first heuristics were written against: always part of the TUNED figures;
- `tests/webpages/` (VNNEWS_DEV_PAGES): pages collected from public repositories, split by
  site before any heuristic was written against them into a TUNED part (looked at while
  tuning) and a SEALED part (only measured: its pages are reported in aggregate unless
  --show-sealed is given, and nobody tuning reads them).

Article pages are scored against their gold (`*.gold.json`):
- token F1, the article-extraction-benchmark metric of SOURCE.md: tokens are \\w+ runs,
  multisets of 4-token shingles per page, precision and recall averaged over pages, F1 of
  the averages; our `text` after the cleaning chain vs gold lead + paragraphs;
- leaks: gold `without` strings (navigation, related links, footers) found in the text;
- caption copies: gold captions found in the text (not for photo stories, whose captions
  are their body);
- dropped: pages gold calls articles that gave no row;
- title / author / date / category / captions / tags match rates.
Listing pages: rule-free discovery (`crawler.spiders.discovery.listing_page_links`) vs the gold
main list (recall), and, where gold lists every article link of the page, the share of
printed "article" links that are not articles (category, tag, author, pagination pages).
Non-article pages (video, gallery, tag pages) must give no row.

"ours" is the rule-free layer alone: no site rules, no site phrases (how every paper without
a saved page is crawled). `--rules` adds our extraction with site rules (shared pages).

    .venv/bin/python scripts/eval_extraction.py [--rules] [--show-sealed] [--tuned-only] [-v]

Exit 1 when a figure is below its floor in tests/quality_floors.json ("eval" block).
The last line is a contract:
    eval sealed_f1=<f> sealed_traf=<f> tuned_f1=<f> worst_page_vs_traf=<delta> dropped=<n>
         links_recall=<r> non_article=<share> tuned_links_recall=<r> sealed_links_recall=<r>
         main_links_recall=<r>
(links_recall: the lowest main-list recall of any listing page, over every article link the
spider asks for from it: the main list, then the side boxes' links; the two added fields split
it into the tuned and the sealed pages, so each part has its own floor; main_links_recall is
the lowest over the main part alone, side boxes left out.)
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.pages import NoArticle, extract_article  # noqa: E402
from crawler.pages.dates import parse_any, parse_printed  # noqa: E402
from crawler.sites.registry import Site, site_for_url  # noqa: E402
from crawler.spiders.discovery import listing_page_links  # noqa: E402
from crawler.spiders.traps import canonical_url  # noqa: E402

EXTRACTORS = ("rules", "generic", "trafilatura")
FLOORS_FILE = ROOT / "tests" / "quality_floors.json"
_TOKEN = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


# -- where the pages are --------------------------------------------------------------
def real_pages_dir(override: str | None = None) -> Path | None:
    """VNNEWS_REAL_PAGES, else ../shared/real-pages beside the repo; None when absent."""
    configured = override or os.environ.get("VNNEWS_REAL_PAGES")
    path = Path(configured) if configured else ROOT.parent / "shared" / "real-pages"
    return path if (path / "MANIFEST.tsv").is_file() else None


def dev_pages_dir(override: str | None = None) -> Path | None:
    """VNNEWS_DEV_PAGES, else tests/webpages; None when absent."""
    configured = override or os.environ.get("VNNEWS_DEV_PAGES")
    path = Path(configured) if configured else ROOT / "tests" / "webpages"
    return path if (path / "manifest.tsv").is_file() else None


@dataclass(frozen=True)
class RealPage:
    file: Path
    url: str
    gold: dict | list | None              # article gold, listing links, None (non-article)
    allowed: tuple[str, ...] = ()         # listing: article links outside the main list
    kind: str = "article"                 # article | listing | nonarticle
    part: str = "shared"                  # shared | tuned | sealed
    site: str = ""
    complete: bool = False                # listing gold names every article link of the page

    @property
    def name(self) -> str:
        return self.file.stem

    @property
    def tuned(self) -> bool:
        return self.part != "sealed"

    def html(self) -> str:
        from pipelines.encoding import decode_html
        return decode_html(self.file.read_bytes())[0]


def manifest(folder: Path) -> dict[str, str]:
    lines = (folder / "MANIFEST.tsv").read_text("utf-8").splitlines()[1:]
    rows = (line.split("\t") for line in lines)
    return {row[0]: row[1] for row in rows if len(row) >= 2}


def article_pages(folder: Path) -> list[RealPage]:
    """Article pages of the shared real-pages folder."""
    return [RealPage(folder / file, url, _json(folder / "gold" / f"{Path(file).stem}.gold.json"),
                     site=_host(url))
            for file, url in manifest(folder).items()
            if (folder / "gold" / f"{Path(file).stem}.gold.json").is_file()]


def listing_pages(folder: Path) -> list[RealPage]:
    """Listing pages of the shared real-pages folder (gold: the main list; a secondary list
    is allowed, neither found nor missed)."""
    pages = []
    for file, url in manifest(folder).items():
        gold = folder / "gold" / f"{Path(file).stem}.links.json"
        secondary = gold.with_name(f"{Path(file).stem}.links_secondary.json")
        if gold.is_file():
            allowed = tuple(_json(secondary)) if secondary.is_file() else ()
            pages.append(RealPage(folder / file, url, _json(gold), allowed, kind="listing",
                                  site=_host(url)))
    return pages


def dev_pages(folder: Path) -> list[RealPage]:
    """Every page of the dev set (tests/webpages/manifest.tsv), tuned and sealed."""
    with open(folder / "manifest.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [_dev_page(folder, row) for row in rows]


def _dev_page(folder: Path, row: dict) -> RealPage:
    base = folder / row["split"]
    file, stem = base / "pages" / row["file"], Path(row["file"]).stem
    common = dict(kind=row["kind"], part=row["split"], site=row["site"])
    if row["kind"] == "article":
        return RealPage(file, row["url"], _json(base / "gold" / f"{stem}.gold.json"), **common)
    if row["kind"] == "listing":
        gold = _json(base / "gold" / f"{stem}.links.json")
        return RealPage(file, row["url"], gold["main"], tuple(gold.get("other_articles", ())),
                        complete=True, **common)
    return RealPage(file, row["url"], None, **common)


def all_pages(shared: Path | None, dev: Path | None) -> list[RealPage]:
    pages = (article_pages(shared) + listing_pages(shared)) if shared else []
    return pages + (dev_pages(dev) if dev else [])


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _json(path: Path):
    return json.loads(path.read_text("utf-8"))


def site_of(page: RealPage) -> Site:
    """The registered site of the page's URL, else a rule-less site for its host."""
    host = urlsplit(page.url).hostname or ""
    return site_for_url(page.url) or rule_free_site(page.url)


def rule_free_site(url: str) -> Site:
    host = urlsplit(url).hostname or ""
    bare = host.removeprefix("www.")
    return Site(id="generic", name=host, domains=tuple(dict.fromkeys((host, bare))))


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
    error: str | None = None              # no row: why


def clean(article, site_phrases: tuple[str, ...] = (), **gates) -> str | None:
    """Run our cleaning chain in place, without tokenisation (not what is measured here);
    returns the drop reason, if any. `gates`: min_words / min_vi_share of the chain."""
    from pipelines.chain import clean_article
    from pipelines.drops import ArticleDrop
    from pipelines.encoding import UndecodableError
    try:
        clean_article(article, site_phrases, **gates)
    except ArticleDrop as exc:
        return f"{type(exc).__name__}: {exc}"
    except UndecodableError as exc:          # the normalize step drops it as Undecodable
        return f"Undecodable: {exc}"
    return None


def run_ours(html: str, page: RealPage, site: Site | None, repeat: int = 1, **gates) -> Result:
    """site None: the rule-free layer alone; else that site's rules and phrases. `gates`:
    the cleaning chain's min_words / min_vi_share (default: the crawler's)."""
    try:
        start = time.perf_counter()
        for _ in range(repeat):
            article = extract_article(html, page.url, site)
        seconds = (time.perf_counter() - start) / repeat
    except NoArticle as exc:
        return Result(error=str(exc))
    article.site = site.id if site else "generic"
    error = clean(article, site.boilerplate if site else (), **gates)
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
                  doc.get("categories") or None, tags=tags, seconds=seconds,
                  error=None if out else "trafilatura: no text")


def extract(page: RealPage, name: str, repeat: int = 1, html: str | None = None) -> Result:
    """One extractor (see EXTRACTORS) on one page; `repeat` runs are timed."""
    html = page.html() if html is None else html
    if name == "trafilatura":
        return run_trafilatura(html, page, repeat)
    return run_ours(html, page, site_of(page) if name == "rules" else None, repeat)


# -- scoring --------------------------------------------------------------------------
FIELDS = ("title", "author", "date", "when", "category", "captions", "tags")
FIELD_LABELS = ("title", "author", "date", "when", "categ", "capts", "tags")


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


def same_time(result: Result, printed: str | None, by_day: bool) -> bool:
    """`published_at` is the printed time (to the minute; by_day: the day), whatever form
    `published_raw` keeps: what a user sorting rows by date relies on."""
    when, ours = (parse_printed(printed) if printed else None), result.published_at
    if not (when and ours):
        return when is None and ours is None
    return ours.date() == when.date() if by_day else ours.replace(second=0) == when


def same_list(ours: list, gold: list | None) -> bool:
    return [norm(x) for x in ours] == [norm(x) for x in gold or []]


def score(result: Result, gold: dict, by_day: bool = False) -> Score:
    body = gold_text(gold)
    text = "" if result.error else result.text
    precision, recall = precision_recall(text, body)
    captions = () if gold.get("layout") == "photo_story" else gold.get("captions", ())
    fields = {"title": norm(result.title) == norm(gold.get("title")),
              "author": norm(result.author) == norm(gold.get("author")),
              "date": same_date(result, gold.get("published"), by_day),
              "when": same_time(result, gold.get("published"), by_day),
              "category": norm(result.category) == norm(gold.get("category")),
              "captions": same_list(result.captions, gold.get("captions")),
              "tags": same_list(result.tags, gold.get("tags"))}
    return Score(precision, recall, found_in(gold.get("without", ()), text, body),
                 found_in(captions, text, body), fields, result.seconds, result.error)


def score_page(page: RealPage, repeat: int = 1, names=EXTRACTORS) -> dict[str, Score]:
    html = page.html()
    return {name: score(extract(page, name, repeat, html), page.gold,
                        by_day=(name == "trafilatura")) for name in names}


@dataclass
class LinkScore:
    found: int
    gold: int
    recall: float
    precision: float             # share of the main part's links in the main list (or allowed)
    non_article: int | None      # printed links that are no article (complete gold only)
    missing: list
    extra: list
    main_recall: float = 1.0     # recall of the main part alone (side-box links left out)


def _link_key(url: str) -> str:
    """http/https and www. are the same page, and so are URLs the crawl cleans to one
    (crawler.spiders.traps.canonical_url: tracking and session parameters go; gold keeps a
    link as the page writes it, "?utm_source=..." included)."""
    return re.sub(r"^https?://(www\.)?", "", canonical_url(url)).rstrip("/")


def score_listing(page: RealPage, rules: bool = False) -> LinkScore:
    """Rule-free discovery on the page (rules: the registered site's rules, if any)."""
    site = site_of(page) if rules else rule_free_site(page.url)
    links = listing_page_links(page.html(), page.url, site, site.owns)
    found = links.articles                 # what the spider asks for: main list, then side
    keys, gold = [_link_key(u) for u in found], [_link_key(u) for u in page.gold]
    allowed = set(gold) | {_link_key(u) for u in page.allowed}
    non_article = sum(k not in allowed for k in keys) if page.complete else None
    main = [_link_key(u) for u in links.main]
    return LinkScore(len(found), len(gold), _recall(keys, gold),
                     sum(k in allowed for k in main) / len(main) if main else 0.0,
                     non_article,
                     [u for u in page.gold if _link_key(u) not in set(keys)],
                     [u for u, k in zip(found, keys) if k not in allowed],
                     _recall(main, gold))


def _recall(keys: list[str], gold: list[str]) -> float:
    return len(set(keys) & set(gold)) / len(set(gold)) if gold else 1.0


def kept_nonarticle(page: RealPage) -> str | None:
    """A non-article page that our rule-free layer would keep as a row: its title."""
    result = run_ours(page.html(), page, None)
    return None if result.error else (result.title or "(untitled)")


# -- report ---------------------------------------------------------------------------
def summary(scores: list[Score]) -> dict:
    n = len(scores)
    if not n:
        return {}
    precision = sum(s.precision for s in scores) / n
    recall = sum(s.recall for s in scores) / n
    return {"precision": precision, "recall": recall, "f1": f1(precision, recall),
            "min_f1": min(s.f1 for s in scores),
            "leaks": sum(len(s.leaks) for s in scores),
            "caption_copies": sum(len(s.caption_copies) for s in scores),
            "dropped": sum(1 for s in scores if s.error),
            **{k: sum(s.fields[k] for s in scores) / n for k in FIELDS},
            "seconds": sum(s.seconds for s in scores) / n}


FLAG_NAMES = ("T=title A=author D=date as printed W=when (published_at to the minute) "
              "C=category K=captions G=tags")


def print_pages(per_page: dict[str, dict[str, Score]], verbose: bool) -> None:
    print(f"{'page':<34} {'extractor':<11} {'P':>5} {'R':>5} {'F1':>5} {'leak':>4} "
          f"{'capt':>4}  T A D W C K G {'ms':>6}")
    for page, scores in per_page.items():
        for name, s in scores.items():
            flags = " ".join("y" if s.fields[k] else "-" for k in FIELDS)
            print(f"{page:<34} {name:<11} {s.precision:5.3f} {s.recall:5.3f} {s.f1:5.3f} "
                  f"{len(s.leaks):>4} {len(s.caption_copies):>4}  {flags} "
                  f"{s.seconds * 1000:6.1f}" + (f"  [{s.error}]" if s.error else ""))
            if verbose and (s.leaks or s.caption_copies):
                print(f"{'':<34}   leaks={s.leaks} caption copies={s.caption_copies}")
    print(f"({FLAG_NAMES}: y = matches gold)")


def print_totals(title: str, per_page: dict[str, dict[str, Score]], names) -> dict:
    totals = {name: summary([scores[name] for scores in per_page.values()]) for name in names}
    print(f"\n{title}: {len(per_page)} article pages")
    print(f"{'extractor':<11} {'P':>5} {'R':>5} {'F1':>5} {'minF1':>5} {'leaks':>5} {'capt':>4} "
          f"{'drop':>4} " + " ".join(f"{k:>6}" for k in FIELD_LABELS) + f" {'ms/page':>7}")
    for name, t in totals.items():
        print(f"{name:<11} {t['precision']:5.3f} {t['recall']:5.3f} {t['f1']:5.3f} "
              f"{t['min_f1']:5.3f} {t['leaks']:5d} {t['caption_copies']:4d} {t['dropped']:4d} "
              + " ".join(f"{t[k]:6.0%}" for k in FIELDS) + f" {t['seconds'] * 1000:7.1f}")
    return totals


def print_listings(listings: dict[str, LinkScore], verbose: bool) -> None:
    print(f"\n{'listing page':<34} {'found':>5} {'gold':>5} {'recall':>6} {'main':>6} "
          f"{'in-main':>7} {'non-art':>7}")
    for page, s in listings.items():
        non = "-" if s.non_article is None else str(s.non_article)
        print(f"{page:<34} {s.found:5d} {s.gold:5d} {s.recall:6.3f} {s.main_recall:6.3f} "
              f"{s.precision:7.3f} {non:>7}")
        if verbose and (s.missing or s.extra):
            print(f"{'':<34}   missing={s.missing}\n{'':<34}   extra={s.extra}")


RECALL_TARGET = 0.95     # issue 11: main-list recall on every listing page


@dataclass
class Figures:
    """What the contract line reports, and the floors check."""
    sealed_f1: float
    sealed_traf: float
    tuned_f1: float
    worst_page_vs_traf: float
    dropped: int
    links_recall: float
    non_article: float
    tuned_links_recall: float = float("nan")
    sealed_links_recall: float = float("nan")
    main_links_recall: float = float("nan")
    worst_page: str = ""
    nonarticles_kept: list = field(default_factory=list)

    def line(self) -> str:
        return (f"eval sealed_f1={self.sealed_f1:.3f} sealed_traf={self.sealed_traf:.3f} "
                f"tuned_f1={self.tuned_f1:.3f} worst_page_vs_traf={self.worst_page_vs_traf:+.3f} "
                f"dropped={self.dropped} links_recall={self.links_recall:.3f} "
                f"non_article={self.non_article:.3f} "
                f"tuned_links_recall={self.tuned_links_recall:.3f} "
                f"sealed_links_recall={self.sealed_links_recall:.3f} "
                f"main_links_recall={self.main_links_recall:.3f}")


def figures(articles: dict[str, tuple[RealPage, dict]], listings: dict[str, tuple[RealPage, LinkScore]],
            nonarticles_kept: list) -> Figures:
    def part_f1(keep, name):
        chosen = [scores[name] for page, scores in articles.values() if keep(page)]
        return summary(chosen)["f1"] if chosen else float("nan")
    def lowest_recall(keep, part=lambda s: s.recall):
        return min((part(s) for p, s in listings.values() if keep(p)), default=float("nan"))
    deltas = {n: s["generic"].f1 - s["trafilatura"].f1 for n, (_, s) in articles.items()}
    worst = min(deltas, key=deltas.get) if deltas else ""
    printed = sum(s.found for p, s in listings.values() if s.non_article is not None)
    wrong = sum(s.non_article for p, s in listings.values() if s.non_article is not None)
    return Figures(
        sealed_f1=part_f1(lambda p: not p.tuned, "generic"),
        sealed_traf=part_f1(lambda p: not p.tuned, "trafilatura"),
        tuned_f1=part_f1(lambda p: p.tuned, "generic"),
        worst_page_vs_traf=deltas.get(worst, float("nan")),
        dropped=sum(1 for _, s in articles.values() if s["generic"].error),
        links_recall=lowest_recall(lambda p: True),
        non_article=wrong / printed if printed else 0.0,
        tuned_links_recall=lowest_recall(lambda p: p.tuned),
        sealed_links_recall=lowest_recall(lambda p: not p.tuned),
        main_links_recall=lowest_recall(lambda p: True, lambda s: s.main_recall),
        worst_page=worst, nonarticles_kept=nonarticles_kept)


def below_floors(found: Figures, floors: dict) -> list[str]:
    """Floors of the "eval" block of tests/quality_floors.json that the figures miss."""
    misses = []
    for key, floor in floors.items():
        if key.startswith("_"):
            continue
        name, _, bound = key.rpartition("_")
        value = getattr(found, name)
        if (bound == "min" and not value >= floor) or (bound == "max" and not value <= floor):
            misses.append(f"{name}={value:.3f} ({bound} {floor})")
    return misses


def evaluate(pages: list[RealPage], repeat: int = 1, names=("generic", "trafilatura")):
    """(article scores by page name, listing scores by page name, non-articles kept)."""
    articles = {p.name: (p, score_page(p, repeat, names)) for p in pages if p.kind == "article"}
    listings = {p.name: (p, score_listing(p)) for p in pages if p.kind == "listing"}
    kept = [f"{p.name}: {t}" for p in pages if p.kind == "nonarticle" and (t := kept_nonarticle(p))]
    return articles, listings, kept


def report(articles, listings, kept, names, show_sealed: bool, verbose: bool) -> None:
    visible = {n: s for n, (p, s) in articles.items() if p.tuned or show_sealed}
    print_pages(visible, verbose)
    for title, keep in (("TUNED (shared real pages + dev tuned part)", lambda p: p.tuned),
                        ("SEALED (dev sealed part, only measured)", lambda p: not p.tuned)):
        chosen = {n: s for n, (p, s) in articles.items() if keep(p)}
        if chosen:
            print_totals(title, chosen, names)
    print_listings({n: s for n, (p, s) in listings.items() if p.tuned or show_sealed}, verbose)
    sealed = [s for p, s in listings.values() if not p.tuned]
    if sealed and not show_sealed:
        print(f"sealed listings: {len(sealed)} pages, min recall "
              f"{min(s.recall for s in sealed):.3f}, mean recall "
              f"{sum(s.recall for s in sealed) / len(sealed):.3f} (main part alone "
              f"{sum(s.main_recall for s in sealed) / len(sealed):.3f}), pages below "
              f"{RECALL_TARGET}: {sum(s.recall < RECALL_TARGET for s in sealed)}, non-article links "
              f"{sum(s.non_article or 0 for s in sealed)} of {sum(s.found for s in sealed)}")
    print(f"non-article pages kept as articles: {len(kept)}"
          + (f" {kept}" if kept and verbose else ""))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", help="shared real-pages folder (default: VNNEWS_REAL_PAGES "
                                        "or ../shared/real-pages)")
    parser.add_argument("--dev", help="dev pages folder (default: VNNEWS_DEV_PAGES or tests/webpages)")
    parser.add_argument("--rules", action="store_true", help="also score our site rules")
    parser.add_argument("--show-sealed", action="store_true",
                        help="print sealed pages one by one (not while tuning)")
    parser.add_argument("--tuned-only", action="store_true",
                        help="score the tuned pages only, without floors (the tuning loop: "
                             "sealed pages not even extracted)")
    parser.add_argument("--repeat", type=int, default=1, help="extractions per page timed")
    parser.add_argument("-v", "--verbose", action="store_true", help="show leaks and links")
    args = parser.parse_args(argv)
    pages = all_pages(real_pages_dir(args.pages), dev_pages_dir(args.dev))
    if not pages:
        print("eval_extraction: no pages (set VNNEWS_REAL_PAGES / VNNEWS_DEV_PAGES)", file=sys.stderr)
        return 1
    if args.tuned_only:
        pages = [p for p in pages if p.tuned]
    names = (("rules",) if args.rules else ()) + ("generic", "trafilatura")
    articles, listings, kept = evaluate(pages, args.repeat, names)
    report(articles, listings, kept, names, args.show_sealed, args.verbose)
    found = figures(articles, listings, kept)
    floors = {} if args.tuned_only else json.loads(FLOORS_FILE.read_text("utf-8")).get("eval", {})
    misses = below_floors(found, floors)
    if misses:
        print("below floors: " + "; ".join(misses), file=sys.stderr)
    print(found.line())
    return 1 if misses else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:                  # `... | head`: the reader left, say nothing
        from crawler.cli.main import reader_left
        sys.exit(reader_left())
