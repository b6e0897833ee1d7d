"""Generic extraction for pages without site rules: trafilatura for the main text, anchored
to the page (see anchor), our own headline and lead detection (captions are collected
page-wide by ArticlePage)."""
from __future__ import annotations

import re

import trafilatura

from crawler.pages.anchor import Anchored, anchor
from crawler.pages.html_text import element_text, text_key
from crawler.pages.metadata import meta

# Words that name a standfirst in class and id attributes, in any CMS ("detail-sapo",
# "article__sapo" and "singular-sapo" all contain the word "sapo").
_LEAD_HINT = re.compile(r"(^|[-_ ])(sapo|lead|chapeau|summary|description|excerpt|intro)"
                        r"([-_ ]|$)", re.I)
LEAD_MIN_CHARS, LEAD_MAX_CHARS = 40, 1200


def body(html: str, url: str, tree=None) -> Anchored:
    """trafilatura's paragraphs; anchored to the page's own tree when given (see anchor)."""
    doc = trafilatura.bare_extraction(html, url=url, include_comments=False,
                                      include_tables=True, with_metadata=False)
    text = (doc.text if doc is not None else "") or ""
    lines = [line for line in map(_untabled, text.splitlines()) if line]
    return anchor(lines, tree) if tree is not None and lines else Anchored(lines)


def _untabled(line: str) -> str:
    """A table row as trafilatura prints it ("| cell | cell |") as plain text: old layouts put
    the whole article in table cells, and trafilatura without tables picks a worse block."""
    line = line.strip()
    if line.startswith("|"):
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        line = " | ".join(cell for cell in cells if cell)
    return line


def find_lead(tree) -> str | None:
    """The sapo: an element whose class or id names it so, else the printed meta description."""
    return _hinted_lead(tree) or _described_lead(tree)


def _hinted_lead(tree) -> str | None:
    """First element whose class or id names it a sapo and whose text is a plausible lead."""
    for node in tree.xpath("//*[@class or @id]"):
        if node.tag in ("meta", "body", "html", "article", "main", "section"):
            continue
        label = f"{node.get('class', '')} {node.get('id', '')}"
        if _LEAD_HINT.search(label):
            text = element_text(node)
            if LEAD_MIN_CHARS <= len(text) <= LEAD_MAX_CHARS:
                return text
    return None


def _described_lead(tree) -> str | None:
    """The element printing the meta description (which CMSs fill with the sapo, often cut
    short or with the paper's name appended): its text starts like the description."""
    description = meta(tree, "og:description", "description") or ""
    prefix = text_key(description)[:80]
    if len(prefix) < LEAD_MIN_CHARS:
        return None
    for node in tree.xpath("//body//*[starts-with(normalize-space(text()), $start)]",
                           start=description.strip()[:20]):
        text = element_text(node)
        if text_key(text).startswith(prefix) and len(text) <= 1.5 * len(description) + 40:
            return text
    return None


def headline(tree) -> str | None:
    """The headline as printed: the <h1> that og:title (or <title>) also names, since sites
    rewrite og:title for search and social; else og:title, else the first <h1>."""
    declared = meta(tree, "og:title") or title_from_head(tree)
    printed = [text for text in (element_text(h) for h in tree.xpath("//h1")) if text]
    if not declared:
        return printed[0] if printed else None
    return next((h for h in printed if _shared_words(h, declared) >= 0.6), declared)


def _shared_words(text: str, other: str) -> float:
    """Share of text's words that other also has."""
    words, others = text_key(text).split(), set(text_key(other).split())
    return sum(w in others for w in words) / len(words) if words else 0.0


def title_from_head(tree) -> str | None:
    nodes = tree.xpath("//title")
    if not nodes:
        return None
    # "Headline - Site name" / "Headline | Site": keep the headline part.
    return re.split(r"\s+[|–-]\s+", element_text(nodes[0]))[0] or None
