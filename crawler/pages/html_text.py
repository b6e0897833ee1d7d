"""Turn an lxml element into paragraphs: one line per block, inline markup flattened."""
from __future__ import annotations

import re

from lxml import html as lxml_html
from lxml.etree import Comment, ProcessingInstruction

BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote figure figcaption table tr td th "
    "section article header footer pre address hr tbody thead caption center main".split())
# Never article text, wherever they sit: scripts, widgets, forms (comment boxes), navigation.
SKIP_TAGS = frozenset(
    "script style noscript iframe form button input select textarea nav svg template "
    "object embed video audio canvas map head title".split())
_SPACE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")


def parse_html(text: str) -> lxml_html.HtmlElement:
    # lxml refuses str input carrying an XML encoding declaration: strip it.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    return lxml_html.document_fromstring(text or "<html></html>")


def element_lines(element) -> list[str]:
    """Paragraph lines of an element, in reading order, whitespace collapsed."""
    lines: list[str] = []
    current: list[str] = []

    def flush():
        line = _SPACE.sub(" ", "".join(current)).strip()
        if line:
            lines.append(line)
        current.clear()

    def walk(node, root=False):
        tag = node.tag if isinstance(node.tag, str) else None
        if node.tag in (Comment, ProcessingInstruction) or tag in SKIP_TAGS:
            current.append(node.tail or "")
            return
        block = tag in BLOCK_TAGS
        if block:
            flush()
        if tag == "br":
            flush()
        current.append(node.text or "")
        for child in node:
            walk(child)
        if block:
            flush()
        if not root:    # the element's own tail is outside it
            current.append(node.tail or "")

    walk(element, root=True)
    flush()
    return lines


def element_text(element) -> str:
    """An element's text on one line (titles, bylines, captions)."""
    return " ".join(element_lines(element)).strip()


def remove_element(element) -> None:
    """Remove an element but keep its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def text_key(text: str | None) -> str:
    """Comparison key: case, punctuation and spacing do not matter."""
    return _NON_WORD.sub(" ", text or "").strip().casefold()
