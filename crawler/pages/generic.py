"""Generic extraction for pages without site rules: trafilatura for the main text, our own
lead detection (captions are collected page-wide by ArticlePage)."""
from __future__ import annotations

import re

import trafilatura

from crawler.pages.html_text import element_text

# Class/id words CMSs use for the sapo (standfirst).
_LEAD_HINT = re.compile(r"(^|[-_ ])(sapo|lead|chapeau|summary|description|excerpt|intro|"
                        r"detail-sapo|article__sapo|singular-sapo)([-_ ]|$)", re.I)


def body_lines(html: str, url: str) -> list[str]:
    doc = trafilatura.bare_extraction(html, url=url, include_comments=False,
                                      include_tables=False, with_metadata=False)
    text = (doc.text if doc is not None else "") or ""
    return [line.strip() for line in text.splitlines() if line.strip()]


def find_lead(tree, rules: dict) -> str | None:
    """First element whose class or id names it a sapo and whose text is a plausible lead."""
    for node in tree.xpath("//*[@class or @id]"):
        if node.tag in ("meta", "body", "html", "article", "main", "section"):
            continue
        label = f"{node.get('class', '')} {node.get('id', '')}"
        if _LEAD_HINT.search(label):
            text = element_text(node)
            if 40 <= len(text) <= 1200:
                return text
    return None


def title_from_head(tree) -> str | None:
    nodes = tree.xpath("//title")
    if not nodes:
        return None
    # "Headline - Site name" / "Headline | Site": keep the headline part.
    return re.split(r"\s+[|–-]\s+", element_text(nodes[0]))[0] or None
