"""The rule-free layer on pages whose class and id names say nothing: every tuned article
page scored as is and with each class and id token replaced by a meaningless one (the same
token for the same name, so "built alike" survives), beside trafilatura on the same
scrambled page. Names are what heuristics lean on without saying so; a site nobody has seen
names its blocks in words no list holds. Tuned pages only: the sealed part is `make eval`'s.

    .venv/bin/python scripts/eval_structure_only.py [--show NAME]

Last line: `structure-only pages=<n> f1=<as served> scrambled_f1=<f> scrambled_traf=<f>
scrambled_min=<f> scrambled_when=<share> scrambled_category=<share> listings=<n>
scrambled_links_recall_mean=<r> scrambled_links_recall_min=<r> misnamed=<n> misnamed_f1=<f>
misnamed_traf=<f> misnamed_min=<f> misnamed_below_traf=<n> misnamed_links_recall_mean=<r>
misnamed_links_below_095=<n> misnamed_links_main_recall_mean=<r>
misnamed_links_main_below_095=<n> oldmarkup=<n> oldmarkup_f1=<f> oldmarkup_traf=<f>
oldmarkup_min=<f> oldmarkup_below_traf=<n>`: the share of scrambled pages
whose `published_at` (to the minute) and category match gold, and the main-list recall of every
tuned listing page scrambled alike. `misnamed_*`: each tuned article with its article box
named, in turn, with each of MISNAMES (words trafilatura deletes a block for, unread), our
F1 and trafilatura's over all those pages, our lowest, and how many we score more than 0.02
below trafilatura. `misnamed_links_*`: each tuned listing with the element holding its main
list named "sidebar": the mean main-list recall and how many pages fall below 0.95, over
every link the spider asks for, then over the main part alone (side boxes' links left out:
is the list still ranked first?). `oldmarkup_*`: each tuned article as an older CMS would
print it (OLD_MARKUP: paragraphs set apart with <br><br> in their parent instead of <p>, or
<div> paragraphs and no HTML5 sectioning tags; each also with its names scrambled), ours and
trafilatura's F1.
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
    misnamed = [misnamed_scores(page) for page in pages]
    misnamed = [pair for scores in misnamed for pair in scores]
    old = [old_markup_scores(page, change) for page in pages for change in OLD_MARKUP.values()]
    mean = [sum(column) / len(rows) for column in zip(*rows)]
    when, category = (sum(column) / len(fields) for column in zip(*fields))
    recalls = [s.recall for s in listing_scores()]
    named = listing_scores(list_misnamed)
    side_named, named_main = [s.recall for s in named], [s.main_recall for s in named]
    print(f"structure-only pages={len(rows)} f1={mean[0]:.3f} scrambled_f1={mean[1]:.3f} "
          f"scrambled_traf={mean[2]:.3f} scrambled_min={min(r[1] for r in rows):.3f} "
          f"scrambled_when={when:.2f} scrambled_category={category:.2f} "
          f"listings={len(recalls)} scrambled_links_recall_mean="
          f"{sum(recalls) / max(len(recalls), 1):.3f} "
          f"scrambled_links_recall_min={min(recalls, default=float('nan')):.3f} "
          f"{_versus_trafilatura('misnamed', misnamed)} "
          f"misnamed_links_recall_mean={_mean(side_named):.3f} "
          f"misnamed_links_below_095={sum(1 for r in side_named if r < 0.95)} "
          f"misnamed_links_main_recall_mean={_mean(named_main):.3f} "
          f"misnamed_links_main_below_095={sum(1 for r in named_main if r < 0.95)} "
          f"{_versus_trafilatura('oldmarkup', old)}")
    return 0


def _versus_trafilatura(name: str, pairs: list[tuple[float, float]]) -> str:
    """`<name>=<n> <name>_f1 <name>_traf <name>_min <name>_below_traf` of (ours, trafilatura)
    F1 pairs: both means, our lowest, and how many pages we score more than 0.02 below."""
    return (f"{name}={len(pairs)} {name}_f1={_mean(p[0] for p in pairs):.3f} "
            f"{name}_traf={_mean(p[1] for p in pairs):.3f} "
            f"{name}_min={min((p[0] for p in pairs), default=float('nan')):.3f} "
            f"{name}_below_traf={sum(1 for ours, traf in pairs if ours < traf - 0.02)}")


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else float("nan")


# Names trafilatura deletes an element for, unread (its boilerplate vocabulary), as a site
# may well give its article box: the second reading must find the article all the same.
MISNAMES = ("infinite-scroll", "post-meta", "slide-body", "widget-area", "related-wrap",
            "tags-wrap")


def misnamed_scores(page) -> list[tuple[float, float]]:
    """(our F1, trafilatura's F1) on the page with its article box (the element anchoring
    finds on the page as served) named each of MISNAMES."""
    from lxml import etree
    from crawler.pages import generic
    from crawler.pages.html_text import parse_html
    html = page.html()
    tree = parse_html(html)
    box = generic.anchored(generic.trafilatura_text(html, page.url), tree, page.url).container
    if box is None or box.tag in ("html", "body"):
        return []
    scores = []
    for name in MISNAMES:
        box.set("class", name)
        box.set("id", name)
        renamed = etree.tostring(tree, encoding=str, method="html")
        scores.append(f1_pair(page, renamed))
    return scores


def f1_pair(page, html: str) -> tuple[float, float]:
    """(our F1, trafilatura's F1) on the page's gold with `html` in place of the page."""
    return tuple(ev.score(ev.extract(page, extractor, html=html), page.gold).f1
                 for extractor in ("generic", "trafilatura"))


_HTML5_SECTIONS = ("article", "section", "main", "aside", "nav", "header", "footer", "figure",
                   "figcaption", "time")


def retagged(html: str, tags: tuple[str, ...]) -> str:
    """Every element of these tags made a <div> (attributes kept)."""
    opening = re.compile(r"<(/?)(%s)\b" % "|".join(tags), re.I)
    return opening.sub(lambda match: f"<{match[1]}div", html)


def paragraphs_as_breaks(html: str) -> str:
    """No <p>: each paragraph's text followed by <br><br> in the parent block."""
    return re.sub(r"</p\s*>", "<br><br>", re.sub(r"<p\b[^>]*>", "", html, flags=re.I), flags=re.I)


def divs(html: str) -> str:
    return retagged(html, _HTML5_SECTIONS + ("p",))


# How older CMSs print a story (many provincial papers still run one), with the page's own
# class and id names and with names that say nothing.
OLD_MARKUP = {"breaks": paragraphs_as_breaks, "divs": divs,
              "breaks, scrambled": lambda html: scramble(paragraphs_as_breaks(html)),
              "divs, scrambled": lambda html: scramble(divs(html))}


def old_markup_scores(page, change) -> tuple[float, float]:
    """(our F1, trafilatura's F1) on the page printed the older way."""
    return f1_pair(page, change(page.html()))


def listing_scores(change=None) -> list:
    """Main-list scores (eval_extraction.LinkScore) of each tuned listing page, scrambled (or
    changed by `change`, html and page -> html)."""
    change = change or (lambda html, page: scramble(html))
    pages = ev.all_pages(ev.real_pages_dir(), ev.dev_pages_dir())
    recalls = []
    with tempfile.TemporaryDirectory() as folder:
        for page in (p for p in pages if p.kind == "listing" and p.tuned):
            copy = Path(folder) / page.file.name
            copy.write_text(change(page.html(), page), "utf-8")
            recalls.append(ev.score_listing(replace(page, file=copy)))
    return recalls


MISNAMED_LIST = "sidebar"


def list_misnamed(html: str, page) -> str:
    """The page with the element holding its main list (the deepest holding 80% of the
    gold links) named MISNAMED_LIST, as a theme may name a block of widgets."""
    from urllib.parse import urljoin
    from lxml import etree
    from crawler.pages.html_text import parse_html
    tree = parse_html(html)
    gold = {ev._link_key(url) for url in page.gold}
    under: dict = {}
    for a in tree.iter("a"):
        key = ev._link_key(urljoin(page.url, a.get("href"))) if a.get("href") else None
        if key in gold:
            for node in a.iterancestors():
                under.setdefault(node, set()).add(key)
    holders = [n for n, keys in under.items() if len(keys) >= 0.8 * len(gold)]
    box = max(holders, key=lambda n: sum(1 for _ in n.iterancestors()), default=None)
    if box is None or box.tag in ("html", "body"):
        return html
    box.set("class", MISNAMED_LIST)
    box.set("id", MISNAMED_LIST)
    return etree.tostring(tree, encoding=str, method="html")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:                  # `... | head`: the reader left, say nothing
        from crawler.cli.main import reader_left
        sys.exit(reader_left())
